/**
 * Child process for the conformance suite's crash test:
 *   DATABASE_URL=… append-until-killed.ts <schema> <stream name>...
 * Appends to every stream concurrently (each stream sequentially, with its
 * expected version; every third append carries two events) until it is
 * killed, and writes each acknowledged event id to stdout, one per line.
 * stdout is a pipe, and pipe writes are synchronous on Linux, so an id is
 * out of this process as soon as the write returns.
 */
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../event-store.port';
import { PostgresEventStore } from '../postgres-event-store';

async function appendForever(store: PostgresEventStore, streamName: string): Promise<never> {
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
  const connectionString = process.env.DATABASE_URL;
  const [schema, ...streamNames] = process.argv.slice(2);
  if (!connectionString || !schema || streamNames.length === 0) {
    throw new Error('usage: DATABASE_URL=… append-until-killed.ts <schema> <stream name>...');
  }
  const store = await PostgresEventStore.open({ connectionString, schema, poolSize: streamNames.length });
  await Promise.all(streamNames.map((streamName) => appendForever(store, streamName)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
