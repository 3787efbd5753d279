import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { closedAfterEachTest, describeEventStoreConformance, spawnAppenderScript } from '../conformance';
import { EventIdCollisionError, EventStoreClosedError } from '../event-store.errors';
import type { CommitObservation } from '../commit-observer';
import type { AppendResult, NewEvent, StoredEvent } from '../event-store.port';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store';

const APPENDER_SCRIPT = join(__dirname, 'testing', 'append-until-killed.ts');

describe('SqliteEventStore', () => {
  const directory = mkdtempSync(join(tmpdir(), 'cmx-event-store-'));
  const sharedFile = join(directory, 'conformance', 'events.sqlite');

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  describeEventStoreConformance('sqlite', {
    open: () => SqliteEventStore.open({ file: sharedFile }),
    startAppenderProcess: ({ streamNames }) => spawnAppenderScript(APPENDER_SCRIPT, [sharedFile, ...streamNames]),
  });

  describe('engine specifics', () => {
    let file: string;
    const openStore = closedAfterEachTest((options: Partial<SqliteEventStoreOptions>) => SqliteEventStore.open({ file, ...options }));

    beforeEach(() => {
      file = join(directory, `${randomUUID()}.sqlite`);
    });

    it('creates a new file empty: no head position, nothing to read', async () => {
      const store = await openStore();

      expect(await store.headPosition()).toBeUndefined();
      expect(await store.readAll()).toEqual([]);
    });

    it('keeps the file in WAL journal mode', async () => {
      await openStore();

      const raw = new Database(file, { readonly: true });
      try {
        expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      } finally {
        raw.close();
      }
    });

    it('checks the appends of one batch in the order they were made: the first of two expectedVersion 0 appends wins', async () => {
      const store = await openStore();
      const first = newEvent();

      const results = await Promise.all([store.append('case-1', [first], 0), store.append('case-1', [newEvent()], 0)]);

      expect(results[0]).toMatchObject({ outcome: 'appended', events: [{ id: first.id, streamVersion: 1 }] });
      expect(results[1]).toEqual({ outcome: 'version_conflict', actualVersion: 1 });
    });

    it('fails only the offending append of a batch: the others commit', async () => {
      const store = await openStore();
      const [occupying] = appended(await store.append('case-occupied', [newEvent()], 0));

      const [good, collision, conflict, alsoGood] = await Promise.allSettled([
        store.append('case-a', [newEvent()], 0),
        store.append('case-b', [newEvent(), { ...newEvent(), id: occupying.id }], 0),
        store.append('case-occupied', [newEvent()], 0),
        store.append('case-c', [newEvent(), newEvent()], 0),
      ]);

      expect(good).toMatchObject({ status: 'fulfilled', value: { outcome: 'appended' } });
      expect(collision).toMatchObject({ status: 'rejected', reason: expect.any(EventIdCollisionError) });
      expect(conflict).toEqual({ status: 'fulfilled', value: { outcome: 'version_conflict', actualVersion: 1 } });
      expect(alsoGood).toMatchObject({ status: 'fulfilled', value: { outcome: 'appended' } });
      expect(await store.streamVersion('case-b')).toBe(0);
      expect((await store.readAll()).map((event) => event.streamName)).toEqual(['case-occupied', 'case-a', 'case-c', 'case-c']);
    });

    it('rejects an append that repeats an event id, and malformed appends, writing nothing', async () => {
      const store = await openStore();
      const repeated = newEvent();

      await expect(store.append('case-1', [repeated, repeated], 0)).rejects.toBeInstanceOf(EventIdCollisionError);
      await expect(store.append('case-1', [], 0)).rejects.toThrow('at least one event');
      await expect(store.append('case-1', [newEvent()], -1)).rejects.toThrow('expectedVersion');
      await expect(store.append('', [newEvent()], 0)).rejects.toThrow('streamName');
      await expect(store.append('case-1', [{ ...newEvent(), data: ['not', 'an', 'object'] as unknown as NewEvent['data'] }], 0)).rejects.toThrow(
        'must be a JSON object',
      );
      await expect(store.readAll({ after: '-1' })).rejects.toThrow('not an event store position');

      expect(await store.headPosition()).toBeUndefined();
    });

    it('commits more concurrent appends than the batch size holds', async () => {
      const store = await openStore({ maxBatchSize: 4 });

      const results = await Promise.all(Array.from({ length: 50 }, (_, index) => store.append(`case-${index % 7}`, [newEvent({ index })], 'any')));

      const events = results.flatMap(appended);
      expect(new Set(events.map((event) => event.position)).size).toBe(50);
      expect(await store.readAll()).toEqual([...events].sort(byPosition));
    });

    it('tells its onCommit observer of each group commit that wrote events: appends, events, the COMMIT time', async () => {
      const commits: CommitObservation[] = [];
      const store = await openStore({ maxBatchSize: 4, onCommit: (commit) => commits.push(commit) });
      const first = newEvent();
      await store.append('case-1', [first, newEvent()], 0);

      await Promise.all(Array.from({ length: 9 }, (_, index) => store.append(`case-${index + 2}`, [newEvent({ index })], 0)));
      await store.append('case-1', [first], 'any');

      // The first of the nine goes alone; the eight that queue meanwhile form two batches; the repeat writes nothing.
      expect(commits[0]).toEqual({ appends: 1, events: 2, commitMs: expect.any(Number) });
      expect(commits.slice(1).map((commit) => [commit.appends, commit.events])).toEqual([
        [1, 1],
        [4, 4],
        [4, 4],
      ]);
      expect(commits.every((commit) => commit.commitMs >= 0)).toBe(true);
    });

    it('rejects every append of a batch when its transaction fails, and stays usable', async () => {
      const store = await openStore({ busyTimeoutMs: 20 });
      const lockHolder = new Database(file);
      lockHolder.exec('BEGIN IMMEDIATE');

      const results = await Promise.allSettled([
        store.append('case-1', [newEvent()], 0),
        store.append('case-2', [newEvent()], 0),
        store.append('case-3', [newEvent()], 'any'),
      ]);
      lockHolder.exec('ROLLBACK');
      lockHolder.close();

      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(results[0]).toMatchObject({ reason: { code: 'SQLITE_BUSY' } });
      expect(await store.headPosition()).toBeUndefined();
      expect(await store.append('case-1', [newEvent()], 0)).toMatchObject({ outcome: 'appended' });
    });

    it('sees the commits of another connection to the same file, in version checks and subscriptions', async () => {
      const store = await openStore({ subscriptionPollIntervalMs: 20 });
      const otherConnection = await openStore();
      const delivered: StoredEvent[] = [];
      let deliveredByOther: () => void;
      const otherEventDelivered = new Promise<void>((resolve) => (deliveredByOther = resolve));
      const subscription = store.subscribe((event) => {
        delivered.push(event);
        deliveredByOther();
      });

      const [written] = appended(await otherConnection.append('case-1', [newEvent()], 0));
      await otherEventDelivered;
      await subscription.stop();

      expect(delivered).toEqual([written]);
      expect(await store.append('case-1', [newEvent()], 0)).toEqual({ outcome: 'version_conflict', actualVersion: 1 });
      expect(await store.append('case-1', [newEvent()], 1)).toMatchObject({ outcome: 'appended' });
    });

    it('returns positions beyond 2^53 exactly, as decimal strings', async () => {
      const raw = new Database(file);
      raw.exec(
        `CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, stream_name TEXT NOT NULL,
          stream_version INTEGER NOT NULL, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, data TEXT NOT NULL,
          metadata TEXT NOT NULL, recorded_at TEXT NOT NULL, UNIQUE (stream_name, stream_version))`,
      );
      raw
        .prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(9007199254740993n, 'case-big', 1, randomUUID(), 'Seeded', '{}', '{}', new Date().toISOString());
      raw.close();
      const store = await openStore();

      const [next] = appended(await store.append('case-big', [newEvent()], 1));

      expect(next.position).toBe('9007199254740994');
      expect(await store.headPosition()).toBe('9007199254740994');
      expect(await store.readAll({ after: '9007199254740993' })).toEqual([next]);
      expect((await store.readStream('case-big'))[0].position).toBe('9007199254740993');
    });

    it('close() lets a running handler finish, its append included, before it closes the file', async () => {
      const store = await openStore();
      await store.append('case-trigger', [newEvent()], 0);
      let enterHandler: () => void;
      const handlerEntered = new Promise<void>((resolve) => (enterHandler = resolve));
      let releaseHandler: () => void;
      const handlerReleased = new Promise<void>((resolve) => (releaseHandler = resolve));
      const reaction = newEvent({ reaction: true });
      const subscription = store.subscribe(async () => {
        enterHandler();
        await handlerReleased;
        await store.append('case-reaction', [reaction], 0);
      });
      await handlerEntered;

      const closing = store.close();
      releaseHandler!();
      await closing;

      await expect(subscription.closed).resolves.toBeUndefined();
      const reopened = await openStore();
      expect(await reopened.findEvent(reaction.id)).toMatchObject({ streamName: 'case-reaction', streamVersion: 1 });
    });

    it('rejects every call after close(), and close() twice is harmless', async () => {
      const store = await openStore();
      await store.close();
      await store.close();

      await expect(store.readAll()).rejects.toBeInstanceOf(EventStoreClosedError);
      await expect(store.ping()).rejects.toBeInstanceOf(EventStoreClosedError);
      expect(() => store.subscribe(() => undefined)).toThrow(EventStoreClosedError);
    });
  });
});

function newEvent(data: Record<string, unknown> = {}): NewEvent {
  return { id: randomUUID(), type: 'SqliteTestEventRecorded', data, metadata: {} };
}

function appended(result: AppendResult): readonly StoredEvent[] {
  if (result.outcome !== 'appended') throw new Error(`expected the append to succeed, got ${JSON.stringify(result)}`);
  return result.events;
}

function byPosition(left: StoredEvent, right: StoredEvent): number {
  return BigInt(left.position) < BigInt(right.position) ? -1 : 1;
}
