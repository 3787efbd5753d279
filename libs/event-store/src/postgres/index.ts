export { inTransaction } from './in-transaction';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store';
export {
  DEFAULT_POSTGRES_SCHEMA,
  POSTGRES_SCHEMA_VERSION,
  PostgresSchemaVersionError,
  loadMigrations,
  migrate,
  readSchemaVersion,
  validateSchemaName,
  type Migration,
  type MigrationResult,
} from './postgres-schema';
