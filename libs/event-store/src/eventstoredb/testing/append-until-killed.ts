/**
 * Child process for the conformance suite's crash test:
 *   ESDB_CONNECTION_STRING=esdb://… append-until-killed.ts <stream name>...
 * Appends until killed (see conformance/append-until-killed.ts). The
 * connection string comes by environment so that no password shows in the
 * process list.
 */
import { appendUntilKilled, runAppenderProcess } from '../../conformance/append-until-killed';
import { EventStoreDbEventStore } from '../eventstoredb-event-store';

runAppenderProcess(async () => {
  const streamNames = process.argv.slice(2);
  const connectionString = process.env.ESDB_CONNECTION_STRING;
  if (!connectionString || streamNames.length === 0) {
    throw new Error('usage: ESDB_CONNECTION_STRING=esdb://… append-until-killed.ts <stream name>...');
  }
  await appendUntilKilled(await EventStoreDbEventStore.open({ connectionString }), streamNames);
});
