export * from './checkpoint-store.port';
export * from './sqlite-checkpoint-store';
