import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { EventStoreDBClient, FORWARDS, START, jsonEvent, type ResolvedEvent } from '@eventstore/db-client';
import { closedAfterEachTest, describeEventStoreConformance, describeWithEngine, spawnAppenderScript } from '../conformance';
import { EventIdCollisionError, EventStoreClosedError } from '../event-store.errors';
import type { AppendResult, NewEvent, StoredEvent } from '../event-store.port';
import { normalizeConnectionString } from './eventstoredb-codec';
import { EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './eventstoredb-event-store';
import { CLAIMED_EVENT_TYPE, DEFAULT_ID_INDEX_STREAM_PREFIX, LINK_EVENT_TYPE, RELEASED_EVENT_TYPE, claimEvent } from './eventstoredb-id-index';
import { planEventStoreDbTestServer, startEventStoreDbContainer, type EventStoreDbTestServerPlan } from './testing/eventstoredb-test-server';

/**
 * Runs the shared conformance suite and the adapter's own tests on a real
 * EventStoreDB/KurrentDB: ESDB_CONNECTION_STRING when set, else a
 * Testcontainers KurrentDB where a Docker engine and the testcontainers
 * package exist. Where neither is possible, its tests are reported as
 * skipped, with why (CI provisions only Kafka and PostgreSQL).
 */
const APPENDER_SCRIPT = join(__dirname, 'testing', 'append-until-killed.ts');
const plan = planEventStoreDbTestServer();

if (plan.kind === 'not-run') {
  // Not required in CI: CI provisions only Kafka and PostgreSQL. ESDB_CONNECTION_STRING=esdb://localhost:2113?tls=false
  // (an insecure KurrentDB/EventStoreDB node) runs it, as does Testcontainers where a Docker engine runs.
  const availability = { absentBecause: plan.reason };
  describeWithEngine(
    'EventStoreDB',
    availability,
    'EventStoreDbEventStore',
    () => describeOnServer({ kind: 'connection-string', connectionString: '' }),
    false,
  );
} else {
  describeOnServer(plan);
}

function describeOnServer(serverPlan: Exclude<EventStoreDbTestServerPlan, { kind: 'not-run' }>): void {
  const where = serverPlan.kind === 'connection-string' ? 'ESDB_CONNECTION_STRING' : `Testcontainers ${serverPlan.image}`;

  describe(`EventStoreDbEventStore (${where})`, () => {
    // Every call is a network round trip, and appends make three: more room than jest's default 5 s.
    jest.setTimeout(30_000);
    let connectionString: string;
    let stopServer: () => Promise<void> = async () => undefined;

    beforeAll(async () => {
      if (serverPlan.kind === 'connection-string') {
        connectionString = serverPlan.connectionString;
      } else {
        const server = await startEventStoreDbContainer(serverPlan.image);
        connectionString = server.connectionString;
        stopServer = () => server.stop();
      }
    }, 240_000);

    afterAll(async () => {
      await stopServer();
    }, 60_000);

    describeEventStoreConformance('eventstoredb', {
      open: () => EventStoreDbEventStore.open({ connectionString }),
      startAppenderProcess: ({ streamNames }) => spawnAppenderScript(APPENDER_SCRIPT, streamNames, { ESDB_CONNECTION_STRING: connectionString }),
    });

    describe('engine specifics', () => {
      let raw: EventStoreDBClient;
      const openStore = closedAfterEachTest((options: Partial<EventStoreDbEventStoreOptions>) => EventStoreDbEventStore.open({ connectionString, ...options }));

      beforeAll(() => {
        raw = EventStoreDBClient.connectionString(normalizeConnectionString(connectionString));
      });

      afterAll(async () => {
        await raw.dispose();
        // dispose() ends the client's calls but leaves its gRPC channel open.
        (await (raw as unknown as { getChannel(): Promise<{ close(): void }> }).getChannel()).close();
      });

      it('gives events their $all commit position, which equals the prepare position, also within one append', async () => {
        const store = await openStore();
        const stored = appended(await store.append(newStreamName(), [newEvent(), newEvent(), newEvent()], 0));

        const records = await readAllRaw(raw, stored[0].position, 50);
        for (const event of stored) {
          const record = records.find((resolved) => resolved.event?.id === event.id)?.event;
          expect(record?.position).toEqual({ commit: BigInt(event.position), prepare: BigInt(event.position) });
        }
        expect(new Set(stored.map((event) => event.position)).size).toBe(3);
      });

      it('keeps the id index out of readAll and subscriptions, and links each id to its event', async () => {
        const store = await openStore();
        const start = await store.headPosition();
        const streamName = newStreamName();
        const stored = appended(await store.append(streamName, [newEvent(), newEvent()], 0));

        const all = await store.readAll({ after: start });
        expect(all.every((event) => !event.streamName.startsWith('$'))).toBe(true);
        expect(all.filter((event) => event.streamName === streamName)).toEqual(stored);
        for (const event of stored) {
          const index = await readStreamRaw(raw, `${DEFAULT_ID_INDEX_STREAM_PREFIX}${event.id}`);
          expect(index.map((resolved) => resolved.event?.type)).toEqual([CLAIMED_EVENT_TYPE, LINK_EVENT_TYPE]);
        }
      });

      it('a version conflict releases the claim: the same event appends at the right version', async () => {
        const store = await openStore();
        const streamName = newStreamName();
        await store.append(streamName, [newEvent()], 0);
        const event = newEvent();

        expect(await store.append(streamName, [event], 0)).toEqual({ outcome: 'version_conflict', actualVersion: 1 });
        const [stored] = appended(await store.append(streamName, [event], 1));

        expect(stored).toMatchObject({ id: event.id, streamVersion: 2 });
        const index = await readStreamRaw(raw, `${DEFAULT_ID_INDEX_STREAM_PREFIX}${event.id}`);
        expect(index.map((resolved) => resolved.event?.type)).toEqual([CLAIMED_EVENT_TYPE, RELEASED_EVENT_TYPE, CLAIMED_EVENT_TYPE, LINK_EVENT_TYPE]);
      });

      it('an append that stored its event but died before linking it: findEvent finds it, a retry gets duplicate', async () => {
        const store = await openStore();
        const streamName = newStreamName();
        const event = newEvent();
        // What a process killed between step 3 and step 4 of the append leaves behind.
        await raw.appendToStream(`${DEFAULT_ID_INDEX_STREAM_PREFIX}${event.id}`, claimEvent(claimOf(streamName)), { expectedRevision: 'no_stream' });
        await raw.appendToStream(streamName, jsonEvent({ id: event.id, type: event.type, data: { ...event.data }, metadata: { ...event.metadata } }), {
          expectedRevision: 'no_stream',
        });

        const found = await store.findEvent(event.id);
        expect(found).toMatchObject({ id: event.id, streamName, streamVersion: 1 });
        const retry = await store.append(streamName, [event], 0);

        expect(retry).toEqual({ outcome: 'duplicate', existing: found });
        expect(await store.readStream(streamName)).toEqual([found]);
      });

      it('an append that claimed an id and died before writing: the claim is taken over after claimTimeoutMs', async () => {
        const store = await openStore({ operationTimeoutMs: 1_000, claimTimeoutMs: 2_500, claimPollIntervalMs: 20 });
        const streamName = newStreamName();
        const event = newEvent();
        await raw.appendToStream(`${DEFAULT_ID_INDEX_STREAM_PREFIX}${event.id}`, claimEvent(claimOf(streamName)), { expectedRevision: 'no_stream' });
        expect(await store.findEvent(event.id)).toBeUndefined();

        const startedAt = Date.now();
        const [stored] = appended(await store.append(streamName, [event], 0));

        expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2_500);
        expect(await store.findEvent(event.id)).toEqual(stored);
        const index = await readStreamRaw(raw, `${DEFAULT_ID_INDEX_STREAM_PREFIX}${event.id}`);
        expect(index.map((resolved) => resolved.event?.type)).toEqual([CLAIMED_EVENT_TYPE, RELEASED_EVENT_TYPE, CLAIMED_EVENT_TYPE, LINK_EVENT_TYPE]);
      });

      it('a later event id claimed by another append is a collision; the first id is released', async () => {
        const store = await openStore();
        const pendingId = randomUUID();
        await raw.appendToStream(`${DEFAULT_ID_INDEX_STREAM_PREFIX}${pendingId}`, claimEvent(claimOf(newStreamName())), {
          expectedRevision: 'no_stream',
        });
        const streamName = newStreamName();
        const first = newEvent();

        await expect(store.append(streamName, [first, { ...newEvent(), id: pendingId }], 0)).rejects.toBeInstanceOf(EventIdCollisionError);

        expect(await store.streamVersion(streamName)).toBe(0);
        expect(appended(await store.append(streamName, [first], 0))).toHaveLength(1);
      });

      it('refuses ids that are not lower-case UUIDs, reserved stream names and system event types, writing nothing', async () => {
        const store = await openStore();
        const streamName = newStreamName();

        await expect(store.append(streamName, [{ ...newEvent(), id: randomUUID().toUpperCase() }], 0)).rejects.toThrow('lower-case UUID');
        await expect(store.append('$reserved', [newEvent()], 0)).rejects.toThrow('reserved');
        await expect(store.append(streamName, [{ ...newEvent(), type: '$Sneaky' }], 0)).rejects.toThrow('reserves');
        await expect(store.readAll({ after: '-1' })).rejects.toThrow('not an event store position');
        expect(await store.streamVersion(streamName)).toBe(0);
      });

      it('rejects every call after close(), and close() twice is harmless', async () => {
        const store = await openStore();
        await store.close();
        await store.close();

        await expect(store.readAll()).rejects.toBeInstanceOf(EventStoreClosedError);
        await expect(store.ping()).rejects.toBeInstanceOf(EventStoreClosedError);
        await expect(store.findEvent(randomUUID())).rejects.toBeInstanceOf(EventStoreClosedError);
        expect(() => store.subscribe(() => undefined)).toThrow(EventStoreClosedError);
      });
    });
  });
}

function newStreamName(): string {
  return `case-esdb-${randomUUID()}`;
}

function newEvent(data: Record<string, unknown> = {}): NewEvent {
  return { id: randomUUID(), type: 'EventStoreDbTestEventRecorded', data, metadata: { test: true } };
}

function claimOf(streamName: string) {
  return { owner: randomUUID(), streamName, fromRevision: '0', claimedAt: new Date().toISOString() };
}

function appended(result: AppendResult): readonly StoredEvent[] {
  if (result.outcome !== 'appended') throw new Error(`expected the append to succeed, got ${JSON.stringify(result)}`);
  return result.events;
}

async function readStreamRaw(client: EventStoreDBClient, streamName: string): Promise<ResolvedEvent[]> {
  const records: ResolvedEvent[] = [];
  for await (const resolved of client.readStream(streamName, { direction: FORWARDS, fromRevision: START })) records.push(resolved);
  return records;
}

async function readAllRaw(client: EventStoreDBClient, from: string, maxCount: number): Promise<ResolvedEvent[]> {
  const records: ResolvedEvent[] = [];
  const position = BigInt(from);
  for await (const resolved of client.readAll({ fromPosition: { commit: position, prepare: position }, direction: FORWARDS, maxCount })) {
    records.push(resolved);
  }
  return records;
}
