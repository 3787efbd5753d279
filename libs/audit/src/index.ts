export * from './audit-entry';
export * from './audit-log.port';
export * from './audit-signing';
export * from './audit-recorder';
export * from './verify-audit-log';
export * from './sqlite/sqlite-audit-log';
export * from './postgres/postgres-audit-log';
