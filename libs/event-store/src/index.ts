export * from './event-store.port';
export * from './event-store.errors';
export { type StreamPartition } from './stream-partition';
export * from './batched-subscription';
export type { CommitObservation, CommitObserver } from './commit-observer';
export { CatchUpSubscription, type CatchUpSubscriptionOptions, type CommitSignal } from './catch-up-subscription';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export { PostgresEventStore, type PostgresEventStoreOptions, migrate, PostgresSchemaVersionError, POSTGRES_SCHEMA_VERSION } from './postgres';
export { EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './eventstoredb';
