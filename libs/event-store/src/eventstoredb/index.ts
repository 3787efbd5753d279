export { EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './eventstoredb-event-store';
export { DEFAULT_ID_INDEX_STREAM_PREFIX } from './eventstoredb-id-index';
