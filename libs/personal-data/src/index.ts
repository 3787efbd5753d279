export * from './data-key-cipher';
export * from './seal-body';
export * from './key-store.port';
export * from './sqlite/sqlite-key-store';
export * from './postgres/postgres-key-store';
export * from './personal-data-vault';
export * from './opening-event-store';
