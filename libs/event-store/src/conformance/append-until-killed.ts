/**
 * The loop of the conformance suite's crash test, run in a child process by
 * each engine's testing/append-until-killed.ts (see
 * EventStoreHarness.startAppenderProcess). No jest here: it is not part of
 * the test-only entry in index.ts.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '../event-store.port';

/**
 * Appends to every stream concurrently (each stream sequentially, with its
 * expected version; every third append carries two events) until the
 * process is killed, and writes each acknowledged event id to stdout, one per
 * line. stdout is a pipe, and pipe writes are synchronous on Linux, so an id
 * is out of this process as soon as the write returns.
 */
export async function appendUntilKilled(store: EventStore, streamNames: readonly string[]): Promise<void> {
  await Promise.all(streamNames.map((streamName) => appendForever(store, streamName)));
}

/**
 * Runs a child process's `main` (which opens a store and calls
 * appendUntilKilled); on failure, writes the error to stderr and exits 1.
 */
export function runAppenderProcess(main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}

async function appendForever(store: EventStore, streamName: string): Promise<never> {
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
