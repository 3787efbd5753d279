/** Test-only entry: imports jest globals, so production code must not import it. */
export { describeEventStoreConformance, type AppenderProcessOptions, type EventStoreHarness } from './event-store.conformance';
export {
  closedAfterEachTest,
  describeOnPostgres,
  describeWithEngine,
  engineFromSetting,
  SKIPPED_MARK,
  spawnAppenderScript,
  type EngineAvailability,
} from './engine-specs';
