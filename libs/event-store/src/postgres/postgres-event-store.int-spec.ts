import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import { closedAfterEachTest, describeEventStoreConformance, describeOnPostgres, spawnAppenderScript } from '../conformance';
import { EventIdCollisionError, EventStoreClosedError } from '../event-store.errors';
import type { CommitObservation } from '../commit-observer';
import type { AppendResult, EventStore, NewEvent, StoredEvent } from '../event-store.port';
import { PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store';
import { migrate, POSTGRES_SCHEMA_VERSION, readSchemaVersion } from './postgres-schema';

const APPENDER_SCRIPT = join(__dirname, 'testing', 'append-until-killed.ts');
describeOnPostgres('PostgresEventStore', 'event store', describePostgresEventStore);

function describePostgresEventStore(connectionString: string): void {
  describe('PostgresEventStore', () => {
    /** The schema every test of this run uses; created by migrate() and dropped afterwards. */
    const schema = newSchemaName();
    const extraSchemas: string[] = [];
    let admin: Pool;

    beforeAll(async () => {
      admin = new Pool({ connectionString, max: 4 });
      await migrate(admin, schema);
    });

    afterAll(async () => {
      for (const dropped of [schema, ...extraSchemas]) await admin.query(`DROP SCHEMA IF EXISTS "${dropped}" CASCADE`);
      await admin.end();
    });

    describeEventStoreConformance('postgres', {
      open: () => PostgresEventStore.open({ connectionString, schema }),
      startAppenderProcess: ({ streamNames }) => spawnAppenderScript(APPENDER_SCRIPT, [schema, ...streamNames], { DATABASE_URL: connectionString }),
    });

    describe('engine specifics', () => {
      const openStore = closedAfterEachTest((options: Partial<PostgresEventStoreOptions>) => PostgresEventStore.open({ connectionString, schema, ...options }));

      /** A schema name of this run that afterAll drops. */
      function extraSchemaName(): string {
        const name = newSchemaName();
        extraSchemas.push(name);
        return name;
      }

      describe('schema and migrations', () => {
        it('open() refuses a schema that does not exist with one line naming the fix, and creates nothing', async () => {
          const missing = extraSchemaName();

          await expect(PostgresEventStore.open({ connectionString, schema: missing })).rejects.toThrow(
            new Error(`PostgreSQL schema "${missing}" is at version 0, expected ${POSTGRES_SCHEMA_VERSION}: run npm run migrate`),
          );

          const { rows } = await admin.query('SELECT to_regnamespace($1) AS namespace', [missing]);
          expect(rows).toEqual([{ namespace: null }]);
        });

        it('open() refuses a schema migrated further than this build knows', async () => {
          const newer = extraSchemaName();
          await migrate(admin, newer);
          await admin.query(`INSERT INTO "${newer}".schema_migrations (version, name) VALUES ($1, 'from_a_newer_build')`, [POSTGRES_SCHEMA_VERSION + 1]);

          await expect(PostgresEventStore.open({ connectionString, schema: newer })).rejects.toThrow(
            `PostgreSQL schema "${newer}" is at version ${POSTGRES_SCHEMA_VERSION + 1}, expected ${POSTGRES_SCHEMA_VERSION}`,
          );
        });

        it('two migrate() runs racing on a fresh schema apply every migration once; a third applies nothing', async () => {
          const fresh = extraSchemaName();

          const racing = await Promise.all([migrate(admin, fresh), migrate(admin, fresh)]);
          const again = await migrate(admin, fresh);

          expect(racing.map((result) => result.applied.length).sort()).toEqual([0, POSTGRES_SCHEMA_VERSION]);
          expect(racing.map((result) => result.version)).toEqual([POSTGRES_SCHEMA_VERSION, POSTGRES_SCHEMA_VERSION]);
          expect(again).toEqual({ applied: [], version: POSTGRES_SCHEMA_VERSION });
          const { rows } = await admin.query(`SELECT version, name FROM "${fresh}".schema_migrations ORDER BY version`);
          expect(rows).toEqual([
            { version: 1, name: '001_create_event_store' },
            { version: 2, name: '002_create_checkpoints' },
            { version: 3, name: '003_create_delivery_ledger' },
            { version: 4, name: '004_create_read_models' },
            { version: 5, name: '005_index_read_models_by_case' },
            { version: 6, name: '006_create_audit_log' },
            { version: 7, name: '007_create_key_store' },
            { version: 8, name: '008_bound_board_lists' },
          ]);
          expect(await readSchemaVersion(admin, fresh)).toBe(POSTGRES_SCHEMA_VERSION);
        });

        it("open() refuses a log whose transaction ids are ahead of the server's, as after a restore into another cluster", async () => {
          const restored = extraSchemaName();
          await migrate(admin, restored);
          await admin.query(
            `INSERT INTO "${restored}".events (transaction_id, event_index, stream_name, stream_version, id, type, data, metadata, recorded_at)
             VALUES ((pg_snapshot_xmax(pg_current_snapshot())::text::numeric + 1000000)::text::xid8, 0, 'case-restored', 1, $1, 'Restored', '{}', '{}', now())`,
            [randomUUID()],
          );

          await expect(PostgresEventStore.open({ connectionString, schema: restored })).rejects.toThrow('new events would get lower positions');
        });

        it('orders the log by transaction id as a number where its digits grow (99 before 100), in readAll, subscriptions, partitions and the head', async () => {
          const schema = extraSchemaName();
          await migrate(admin, schema);
          // Transaction ids on both sides of the powers of ten below the server's next one (the store refuses a log
          // ahead of the server): as text, '1000' < '99' < '999'.
          const { rows } = await admin.query<{ next: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next');
          const powersOfTen = [10n, 100n, 1_000n, 10_000n, 100_000n, 1_000_000n].filter((power) => power < BigInt(rows[0].next)).slice(-3);
          expect(powersOfTen.length).toBeGreaterThanOrEqual(2);
          const inNumberOrder = powersOfTen.flatMap((power) => [`${power - 1n}`, `${power}`]);
          const transactionIds = [...inNumberOrder].sort().reverse();
          for (const [index, transactionId] of transactionIds.entries()) {
            await admin.query(
              `INSERT INTO "${schema}".events (transaction_id, event_index, stream_name, stream_version, id, type, data, metadata, recorded_at)
               VALUES ($1::xid8, 0, 'case-digits', $2, $3, 'Counted', '{}', '{}', now())`,
              [transactionId, index + 1, `event-of-${transactionId}`],
            );
          }
          const positionsInNumberOrder = inNumberOrder.map((transactionId) => `${transactionId}000000`);
          const store = await PostgresEventStore.open({ connectionString, schema });
          try {
            const pageByPage: string[] = [];
            for (
              let page = await store.readAll({ limit: 1 });
              page.length > 0;
              page = await store.readAll({ after: pageByPage[pageByPage.length - 1], limit: 1 })
            ) {
              pageByPage.push(page[0].position);
            }
            expect(pageByPage).toEqual(positionsInNumberOrder);
            expect(await store.headPosition()).toBe(positionsInNumberOrder[positionsInNumberOrder.length - 1]);
            const [part] = await store.readAll({ partition: { index: 0, count: 1 }, limit: 1 });
            expect(part?.position).toBe(positionsInNumberOrder[0]);
            const subscribed: string[] = [];
            const subscription = store.subscribe((event) => void subscribed.push(event.position), { after: positionsInNumberOrder[1], batchSize: 1 });
            for (const deadline = Date.now() + 10_000; subscribed.length < positionsInNumberOrder.length - 2 && Date.now() < deadline;)
              await new Promise((resolve) => setTimeout(resolve, 20));
            await subscription.stop();
            expect(subscribed).toEqual(positionsInNumberOrder.slice(2));
          } finally {
            await store.close();
          }
        });

        it('refuses a schema name that is not a plain lower-case identifier', async () => {
          await expect(PostgresEventStore.open({ connectionString, schema: 'cmx"; DROP TABLE x; --' })).rejects.toThrow('PostgreSQL schema name');
          await expect(migrate(admin, 'Upper')).rejects.toThrow('PostgreSQL schema name');
        });
      });

      describe('appends', () => {
        it('concurrent appends of the same event with the same numeric expectedVersion: one appended, the others duplicate', async () => {
          const store = await openStore();
          const streamName = `case-same-id-${randomUUID()}`;
          const event = newEvent();

          const results = await Promise.all(Array.from({ length: 6 }, () => store.append(streamName, [event], 0)));

          const [stored] = appended(results.find((result) => result.outcome === 'appended')!);
          expect(results.filter((result) => result.outcome === 'duplicate')).toEqual(
            Array.from({ length: 5 }, () => ({ outcome: 'duplicate', existing: stored })),
          );
          expect(await store.readStream(streamName)).toEqual([stored]);
        });

        it('tells its onCommit observer of each append that wrote events, and of nothing else', async () => {
          const commits: CommitObservation[] = [];
          const store = await openStore({ onCommit: (commit) => commits.push(commit) });
          const streamName = `case-observed-${randomUUID()}`;
          const first = newEvent();

          await store.append(streamName, [first, newEvent(), newEvent()], 0);
          await store.append(streamName, [first], 'any');
          await store.append(streamName, [newEvent()], 0);

          expect(commits).toEqual([{ appends: 1, events: 3, commitMs: expect.any(Number) }]);
          expect(commits[0].commitMs).toBeGreaterThan(0);
        });

        it('keeps data and metadata as appended: key order and \\u0000 in strings included', async () => {
          const store = await openStore();
          const event: NewEvent = {
            id: randomUUID(),
            type: 'ExactJsonRecorded',
            data: { zebra: 1, apple: { second: 2, first: 1 }, text: 'nul \u0000 inside' },
            metadata: { z: true, a: false },
          };

          await store.append(`case-json-${randomUUID()}`, [event], 0);

          const found = await store.findEvent(event.id);
          expect(JSON.stringify(found?.data)).toBe(JSON.stringify(event.data));
          expect(JSON.stringify(found?.metadata)).toBe(JSON.stringify(event.metadata));
        });

        it('rejects an append that repeats an event id, and malformed appends and positions, writing nothing', async () => {
          const store = await openStore();
          const streamName = `case-malformed-${randomUUID()}`;
          const repeated = newEvent();

          await expect(store.append(streamName, [repeated, repeated], 0)).rejects.toBeInstanceOf(EventIdCollisionError);
          await expect(store.append(streamName, [], 0)).rejects.toThrow('at least one event');
          await expect(store.append(streamName, [newEvent()], -1)).rejects.toThrow('expectedVersion');
          await expect(store.append('', [newEvent()], 0)).rejects.toThrow('streamName');
          await expect(store.append(streamName, [{ ...newEvent(), data: ['not', 'an', 'object'] as unknown as NewEvent['data'] }], 0)).rejects.toThrow(
            'must be a JSON object',
          );
          await expect(store.readAll({ after: '-1' })).rejects.toThrow('not an event store position');
          expect(() => store.subscribe(() => undefined, { after: '1e6' })).toThrow('not an event store position');

          expect(await store.streamVersion(streamName)).toBe(0);
          expect(await store.findEvent(repeated.id)).toBeUndefined();
        });

        it('reads after a position far beyond 2^64 * 10^6 as empty', async () => {
          const store = await openStore();
          await store.append(`case-far-${randomUUID()}`, [newEvent()], 0);

          expect(await store.readAll({ after: (2n ** 64n * 1_000_000n).toString() })).toEqual([]);
        });

        it('rejects every call after close(), and close() twice is harmless', async () => {
          const store = await openStore();
          await store.close();
          await store.close();

          await expect(store.readAll()).rejects.toBeInstanceOf(EventStoreClosedError);
          await expect(store.headPosition()).rejects.toBeInstanceOf(EventStoreClosedError);
          await expect(store.ping()).rejects.toBeInstanceOf(EventStoreClosedError);
          expect(() => store.subscribe(() => undefined)).toThrow(EventStoreClosedError);
        });
      });

      describe('the global log under concurrent writers', () => {
        const gateLockClass = 4242;
        const gateLockKey = randomInt(1, 2 ** 31 - 1);

        beforeAll(async () => {
          // Test-only triggers, in this run's schema: they hold chosen appends open at the two moments that matter.
          await admin.query(`
            CREATE FUNCTION "${schema}".pause_after_taking_transaction_id() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              PERFORM pg_current_xact_id();
              PERFORM pg_sleep(0.005 + random() * 0.03);
              RETURN NEW;
            END $$;
            CREATE TRIGGER pause_after_taking_transaction_id BEFORE INSERT OR UPDATE ON "${schema}".streams
              FOR EACH ROW WHEN (NEW.stream_name LIKE '%-pause-after-xid-%')
              EXECUTE FUNCTION "${schema}".pause_after_taking_transaction_id();

            CREATE FUNCTION "${schema}".pause_before_commit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              PERFORM pg_sleep(0.005 + random() * 0.03);
              RETURN NULL;
            END $$;
            CREATE TRIGGER pause_before_commit AFTER INSERT ON "${schema}".events
              FOR EACH ROW WHEN (NEW.stream_name LIKE '%-pause-before-commit-%' AND NEW.event_index = 0)
              EXECUTE FUNCTION "${schema}".pause_before_commit();

            CREATE FUNCTION "${schema}".wait_for_gate() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              PERFORM pg_advisory_xact_lock_shared(${gateLockClass}, ${gateLockKey});
              RETURN NULL;
            END $$;
            CREATE TRIGGER wait_for_gate AFTER INSERT ON "${schema}".events
              FOR EACH ROW WHEN (NEW.stream_name LIKE '%-gated-%' AND NEW.event_index = 0)
              EXECUTE FUNCTION "${schema}".wait_for_gate();
          `);
        });

        it('an append that took its transaction id first but commits last gets the lower positions, and readers see nothing past it until it commits', async () => {
          const store = await openStore();
          const observer = await openStore({ subscriptionPollIntervalMs: 20 });
          const lateStream = `case-gated-${randomUUID()}`;
          const earlyStream = `case-early-${randomUUID()}`;
          // The head may still trail events of earlier tests: every read below looks at this test's streams only.
          const ofThisTest = (events: readonly StoredEvent[]): StoredEvent[] =>
            events.filter((event) => event.streamName === lateStream || event.streamName === earlyStream);
          const start = await store.headPosition();
          const recorder = new Recorder();
          const subscription = observer.subscribe(recorder.handler, { after: start });
          const gate = await admin.connect();
          let late: readonly StoredEvent[];
          let early: readonly StoredEvent[];
          try {
            await gate.query('SELECT pg_advisory_lock($1, $2)', [gateLockClass, gateLockKey]);
            const lateAppend = store.append(lateStream, [newEvent(), newEvent()], 0);
            await waitFor('the gated append to wait at the gate', async () => {
              const { rows } = await admin.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1 AND objid = $2`, [
                gateLockClass,
                gateLockKey,
              ]);
              return rows.length > 0;
            });

            early = appended(await store.append(earlyStream, [newEvent()], 0));

            expect(ofThisTest(await store.readAll({ after: start }))).toEqual([]);
            expect(ofThisTest(await observer.readAll({ after: start }))).toEqual([]);
            expect(BigInt((await store.headPosition()) ?? '0')).toBeLessThan(BigInt(early[0].position));
            expect(await store.findEvent(early[0].id)).toEqual(early[0]);
            expect(ofThisTest(recorder.delivered)).toEqual([]);
            await gate.query('SELECT pg_advisory_unlock($1, $2)', [gateLockClass, gateLockKey]);
            late = appended(await lateAppend);
          } finally {
            // Ending the connection drops its advisory lock too, should the test have failed while holding it.
            gate.release(true);
          }

          expect(BigInt(late[1].position)).toBeLessThan(BigInt(early[0].position));
          const expected = [...late, ...early];
          await recorder.waitUntilDelivered(early[0].position);
          await subscription.stop();
          expect(ofThisTest(recorder.delivered)).toEqual(expected);
          let read: StoredEvent[] = [];
          await waitFor('readAll to show the three events', async () => {
            read = ofThisTest(await observer.readAll({ after: start }));
            return read.length >= expected.length;
          });
          expect(read).toEqual(expected);
        });

        it('8 writers, some pausing after taking their transaction id or before committing: a subscriber and a paging reader see every event once, in increasing positions', async () => {
          const writerCount = 8;
          const appendsPerWriter = 36;
          const writers = await openStore({ poolSize: writerCount + 1 });
          const readers = await openStore({ subscriptionPollIntervalMs: 50 });
          const run = randomUUID().slice(0, 8);
          const start = await readers.headPosition();

          const subscriber = new Recorder();
          const subscription = readers.subscribe(subscriber.handler, { after: start, batchSize: 16 });
          const pagingReader = new PagingReader(readers, start, 5);

          const committed = (
            await Promise.all(
              Array.from({ length: writerCount }, async (_, writer) => {
                const streamNames = ['plain', 'pause-after-xid', 'pause-before-commit'].map((kind) => `case-stress-${run}-${writer}-${kind}-`);
                const versions = streamNames.map(() => 0);
                const written: StoredEvent[] = [];
                for (let appendIndex = 0; appendIndex < appendsPerWriter; appendIndex++) {
                  const stream = (appendIndex + writer) % streamNames.length;
                  const events = Array.from({ length: 1 + (appendIndex % 3) }, () => newEvent({ writer, appendIndex }));
                  const result = appended(await writers.append(streamNames[stream], events, versions[stream]));
                  versions[stream] += events.length;
                  written.push(...result);
                }
                return written;
              }),
            )
          )
            .flat()
            .sort(byPosition);
          const lastPosition = committed[committed.length - 1].position;

          await subscriber.waitUntilDelivered(lastPosition);
          await subscription.stop();
          // The start may still trail events of earlier tests.
          const ofThisRun = (event: StoredEvent): boolean => event.streamName.startsWith(`case-stress-${run}-`);
          const delivered = subscriber.delivered.filter(ofThisRun);
          const paged = (await pagingReader.readUntil(lastPosition)).filter(ofThisRun);

          expect(committed).toHaveLength(writerCount * appendsPerWriter * 2);
          expectStrictlyIncreasingPositions(subscriber.delivered);
          expectStrictlyIncreasingPositions(pagingReader.read);
          expect(delivered.map(describeEvent)).toEqual(committed.map(describeEvent));
          expect(paged.map(describeEvent)).toEqual(committed.map(describeEvent));
          expect(delivered).toEqual(committed);
          expect(paged).toEqual(committed);
        }, 60_000);
      });

      describe('subscriptions across processes', () => {
        it('a subscriber is woken by LISTEN/NOTIFY when another store commits, with polling out of the way', async () => {
          const subscriberStore = await openStore({ subscriptionPollIntervalMs: 3_600_000 });
          const writerStore = await openStore();
          const streamName = `case-notified-${randomUUID()}`;
          const recorder = new Recorder();
          const subscription = subscriberStore.subscribe(recorder.handler, { after: await writerStore.headPosition() });

          for (let version = 0; version < 3; version++) {
            // Gives the subscription time to read, find nothing and wait, so that only a notification can wake it.
            await sleep(200);
            const [written] = appended(await writerStore.append(streamName, [newEvent()], version));
            await recorder.waitUntilDelivered(written.position);
          }
          await subscription.stop();

          expect(recorder.delivered).toEqual(await subscriberStore.readStream(streamName));
        });

        it('a subscriber keeps following another store after its listening connection was terminated', async () => {
          const subscriberStore = await openStore({ subscriptionPollIntervalMs: 3_600_000 });
          const writerStore = await openStore();
          const streamName = `case-relisten-${randomUUID()}`;
          const recorder = new Recorder();
          const subscription = subscriberStore.subscribe(recorder.handler, { after: await writerStore.headPosition() });
          const [first] = appended(await writerStore.append(streamName, [newEvent()], 0));
          await recorder.waitUntilDelivered(first.position);

          const { rows } = await admin.query(
            `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
              WHERE application_name = $1`,
            [`cmx-event-store-listener:${schema}`],
          );
          expect(rows).toEqual([{ terminated: true }]);
          await sleep(200);
          const [second] = appended(await writerStore.append(streamName, [newEvent()], 1));
          await recorder.waitUntilDelivered(second.position);
          await subscription.stop();

          expect(recorder.delivered).toEqual([first, second]);
        });
      });
    });
  });
}

function newSchemaName(): string {
  return `cmx_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

function newEvent(data: Record<string, unknown> = {}): NewEvent {
  return { id: randomUUID(), type: 'PostgresTestEventRecorded', data, metadata: {} };
}

function appended(result: AppendResult): readonly StoredEvent[] {
  if (result.outcome !== 'appended') throw new Error(`expected the append to succeed, got ${JSON.stringify(result)}`);
  return result.events;
}

function byPosition(left: StoredEvent, right: StoredEvent): number {
  return BigInt(left.position) < BigInt(right.position) ? -1 : 1;
}

function expectStrictlyIncreasingPositions(events: readonly StoredEvent[]): void {
  for (let index = 1; index < events.length; index++) {
    expect(BigInt(events[index].position)).toBeGreaterThan(BigInt(events[index - 1].position));
  }
}

/** Short enough to read in a failure diff: where a gap or a repeat is. */
function describeEvent(event: StoredEvent): string {
  return `${event.position} ${event.streamName}@${event.streamVersion}`;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

class Recorder {
  readonly delivered: StoredEvent[] = [];
  readonly handler = (event: StoredEvent): void => {
    this.delivered.push(event);
  };

  waitUntilDelivered(position: string): Promise<void> {
    return waitFor(`delivery of position ${position}`, async () => this.delivered.some((event) => BigInt(event.position) >= BigInt(position)));
  }
}

/** Reads the global log in small pages, as fast as it can, from the moment it is created. */
class PagingReader {
  readonly read: StoredEvent[] = [];
  private target: bigint | undefined;
  private readonly reading: Promise<void>;

  constructor(
    private readonly store: EventStore,
    private after: string | undefined,
    private readonly pageSize: number,
  ) {
    this.reading = this.readPages();
    // Observed by readUntil(); a test that failed before calling it must not also report the reader's end.
    this.reading.catch(() => undefined);
  }

  /** Resolves with everything read once a page reached `position`. */
  async readUntil(position: string): Promise<StoredEvent[]> {
    this.target = BigInt(position);
    await this.reading;
    return this.read;
  }

  private async readPages(): Promise<void> {
    const deadline = Date.now() + 50_000;
    for (;;) {
      const page = await this.store.readAll({ after: this.after, limit: this.pageSize });
      this.read.push(...page);
      if (page.length > 0) this.after = page[page.length - 1].position;
      if (this.target !== undefined && this.after !== undefined && BigInt(this.after) >= this.target) return;
      if (Date.now() > deadline) throw new Error('the paging reader did not reach the last committed position');
      if (page.length === 0) await sleep(1);
    }
  }
}
