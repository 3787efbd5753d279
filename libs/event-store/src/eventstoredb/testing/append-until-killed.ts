/**
 * Child process for the conformance suite's crash test:
 *   ESDB_CONNECTION_STRING=esdb://… append-until-killed.ts <stream name>...
 * Appends to every stream concurrently (each stream sequentially, with its
 * expected version; every third append carries two events) until it is
 * killed, and writes each acknowledged event id to stdout, one per line.
 * The connection string comes by environment so that no password shows in
 * the process list.
 */
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../event-store.port';
import { EventStoreDbEventStore } from '../eventstoredb-event-store';

async function appendForever(store: EventStoreDbEventStore, streamName: string): Promise<never> {
  for (let version = 0, appendCount = 0; ; appendCount += 1) {
    const eventCount = appendCount % 3 === 2 ? 2 : 1;
    const events: NewEvent[] = Array.from({ length: eventCount }, (_, index) => ({
      id: randomUUID(),
      type: 'CrashTestEventAppended',
      data: { streamVersion: version + index + 1 },
      metadata: { pid: process.pid },
    }));
    const result = await store.append(streamName, events, version);
    if (result.outcome !== 'appended') throw new Error(`append to ${streamName} was ${result.outcome}`);
    process.stdout.write(result.events.map((event) => `${event.id}\n`).join(''));
    version = result.nextExpectedVersion;
  }
}

async function main(): Promise<void> {
  const streamNames = process.argv.slice(2);
  const connectionString = process.env.ESDB_CONNECTION_STRING;
  if (!connectionString || streamNames.length === 0) {
    throw new Error('usage: ESDB_CONNECTION_STRING=esdb://… append-until-killed.ts <stream name>...');
  }
  const store = await EventStoreDbEventStore.open({ connectionString });
  await Promise.all(streamNames.map((streamName) => appendForever(store, streamName)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
