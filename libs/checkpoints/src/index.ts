export * from './checkpoint-store.port';
export * from './sqlite-checkpoint-store';
export * from './postgres-checkpoint-store';
