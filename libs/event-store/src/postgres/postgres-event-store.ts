import { Client, DatabaseError, Pool } from 'pg';
import { checkAppendArguments, nonNegativeInteger, parseDecimalPosition, positiveInteger, serializeJsonObject } from '../argument-checks';
import { checkStreamPartition } from '../stream-partition';
import { CatchUpSubscriptions } from '../catch-up-subscription';
import { CommitObserver, notifyCommit } from '../commit-observer';
import { EventIdCollisionError, EventStoreClosedError } from '../event-store.errors';
import type {
  AppendResult,
  EventHandler,
  EventStore,
  ExpectedVersion,
  JsonObject,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { OperationsInFlight } from '../operations-in-flight';
import { DEFAULT_POSTGRES_SCHEMA, POSTGRES_SCHEMA_VERSION, PostgresSchemaVersionError, quoteSchemaName, readSchemaVersion } from './postgres-schema';

export interface PostgresEventStoreOptions {
  /** e.g. postgres://user:password@host:5432/database */
  readonly connectionString: string;
  /** The schema `npm run migrate` created. Default `cmx`. */
  readonly schema?: string;
  /** Connections in the pool, for appends and reads. Subscriptions add one listening connection. Default 10. */
  readonly poolSize?: number;
  /** How often an idle subscription reads anyway, when no notification came. Default 250. */
  readonly subscriptionPollIntervalMs?: number;
  /** Events per read while a subscription catches up, unless it asks otherwise. Default 256. */
  readonly defaultSubscriptionBatchSize?: number;
  /** Told of each append that wrote events (metrics). */
  readonly onCommit?: CommitObserver;
}

interface EventRow {
  transaction_id: string;
  event_index: number;
  stream_name: string;
  stream_version: string;
  id: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
  recorded_at: Date;
}

interface InsertedEventRow {
  transaction_id: string;
  event_index: number;
  stream_version: string;
  recorded_at: Date;
}

interface SerializedAppend {
  readonly streamName: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly NewEvent[];
  readonly ids: readonly string[];
  readonly types: readonly string[];
  readonly data: readonly string[];
  readonly metadata: readonly string[];
}

/** An event's position is transaction_id * POSITIONS_PER_TRANSACTION + its index within the append. */
const POSITIONS_PER_TRANSACTION = 1_000_000n;
const MAX_EVENTS_PER_APPEND = Number(POSITIONS_PER_TRANSACTION);
const MAX_TRANSACTION_ID = 2n ** 64n - 1n;
/** One channel for every schema; the payload names the schema that committed. */
const COMMIT_CHANNEL = 'cmx_event_store_commits';
const MAX_APPEND_ATTEMPTS = 20;
const LISTENER_RECONNECT_DELAY_MS = 1000;
const HELD_BACK_RECHECK_MS = 20;
const UNIQUE_VIOLATION = '23505';
const DEADLOCK_DETECTED = '40P01';

const EVENT_COLUMNS = 'transaction_id::text AS transaction_id, event_index, stream_name, stream_version, id, type, data, metadata, recorded_at';

/**
 * The production event store on PostgreSQL (schema created by `npm run
 * migrate`, never at boot). One append is one statement, so one transaction:
 * it checks that no id is stored yet, locks and advances the stream's row in
 * `streams` if the expected version holds, and inserts the events, so the
 * expected version is exact however many processes write. When it writes
 * nothing, follow-up reads tell a duplicate from a conflict.
 *
 * The global log is ordered by (transaction_id, event_index) and read only
 * below the oldest transaction still running (see the migration), so a
 * reader never skips an event that commits late. The price: an event is
 * visible to readAll, headPosition and subscriptions once every transaction
 * that started writing before it has ended (appends of other processes, but
 * also any other writing transaction on the same server), which is usually
 * milliseconds later. readStream and findEvent see it at once.
 *
 * Subscriptions are woken by LISTEN/NOTIFY on one dedicated connection, and
 * read anyway every `subscriptionPollIntervalMs` (every 20 ms while committed
 * events wait behind an older transaction). The notification is sent
 * right after the append commits rather than inside its transaction: a
 * NOTIFY holds a cluster-wide lock through its transaction's commit flush,
 * which would serialize all appends (measured: about half the throughput).
 */
export class PostgresEventStore implements EventStore {
  private readonly statements: ReturnType<typeof sqlStatements>;
  private readonly subscriptions: CatchUpSubscriptions;
  private readonly operations = new OperationsInFlight();
  private readonly commitListener: CommitListener;
  private notifying: Promise<void> | undefined;
  private heldBackRecheck: NodeJS.Timeout | undefined;
  private readonly heldBackRecheckMs: number;
  private notifyAgain = false;
  private readonly onCommit: CommitObserver | undefined;

  private constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    options: PostgresEventStoreOptions,
  ) {
    this.onCommit = options.onCommit;
    this.statements = sqlStatements(schema);
    this.subscriptions = new CatchUpSubscriptions(options);
    this.heldBackRecheckMs = Math.min(HELD_BACK_RECHECK_MS, this.subscriptions.pollIntervalMs);
    this.commitListener = new CommitListener(options.connectionString, schema, () => this.signalCommit());
  }

  /**
   * Connects and checks that the schema is at POSTGRES_SCHEMA_VERSION (fails
   * with PostgresSchemaVersionError otherwise) and that new transaction ids
   * are above those in the log. Creates and alters nothing.
   */
  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const schema = options.schema ?? DEFAULT_POSTGRES_SCHEMA;
    quoteSchemaName(schema);
    const pool = new Pool({
      connectionString: options.connectionString,
      max: positiveInteger(options.poolSize ?? 10, 'poolSize'),
    });
    // An idle connection that breaks (server restart) is dropped by the pool; without a listener it would crash the process.
    pool.on('error', () => undefined);
    try {
      const version = await readSchemaVersion(pool, schema);
      if (version !== POSTGRES_SCHEMA_VERSION) throw new PostgresSchemaVersionError(schema, version, POSTGRES_SCHEMA_VERSION);
      await assertTransactionIdsAheadOfLog(pool, schema);
      return new PostgresEventStore(pool, schema, options);
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  append(streamName: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    return this.track(async () => {
      const append = serializeAppend(streamName, events, expectedVersion);
      for (let attempt = 1; ; attempt++) {
        const result = await this.tryAppend(append);
        if (result !== 'retry') return result;
        if (attempt === MAX_APPEND_ATTEMPTS) {
          throw new Error(`append to ${streamName}: still contended after ${MAX_APPEND_ATTEMPTS} attempts`);
        }
      }
    });
  }

  readStream(streamName: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return this.track(async () => {
      const afterVersion = nonNegativeInteger(options.afterVersion ?? 0, 'afterVersion');
      const limit = options.limit === undefined ? null : nonNegativeInteger(options.limit, 'limit');
      const { rows } = await this.pool.query<EventRow>(this.statements.readStream, [streamName, afterVersion, limit]);
      return rows.map(toStoredEvent);
    });
  }

  streamVersion(streamName: string): Promise<number> {
    return this.track(() => this.currentVersion(streamName));
  }

  findEvent(id: string): Promise<StoredEvent | undefined> {
    return this.track(async () => {
      const { rows } = await this.pool.query<EventRow>(this.statements.findEvents, [[id]]);
      return rows.length === 0 ? undefined : toStoredEvent(rows[0]);
    });
  }

  readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    return this.track(async () => {
      const limit = options.limit === undefined ? null : nonNegativeInteger(options.limit, 'limit');
      if (options.partition === undefined) return this.readPage(options.after, limit);
      checkStreamPartition(options.partition);
      const afterParameters = positionParameters(options.after);
      if (afterParameters === undefined) return [];
      const { index, count } = options.partition;
      const { rows } = await this.pool.query<EventRow>(this.statements.readPartition, [...afterParameters, limit, count, index]);
      return rows.map(toStoredEvent);
    });
  }

  /**
   * The position of the last event readers can see: the log below it is
   * final. It may trail an append that has just been acknowledged while an
   * older transaction is still running; subscribing after it misses nothing.
   */
  headPosition(): Promise<string | undefined> {
    return this.track(async () => {
      const { rows } = await this.pool.query<Pick<EventRow, 'transaction_id' | 'event_index'>>(this.statements.headPosition);
      return rows.length === 0 ? undefined : toPosition(rows[0].transaction_id, rows[0].event_index);
    });
  }

  subscribe(handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    if (this.operations.isClosing) throw new EventStoreClosedError();
    if (options.after !== undefined) parseDecimalPosition(options.after);
    this.commitListener.start();
    return this.subscriptions.subscribe(handler, options, (after, limit) => this.track(() => this.readSubscriptionPage(after, limit)));
  }

  ping(): Promise<void> {
    return this.track(async () => {
      await this.pool.query('SELECT 1');
    });
  }

  /**
   * Stops the subscriptions (letting running handlers finish, their appends
   * included), waits for the calls still running, then closes the connections.
   */
  close(): Promise<void> {
    return this.operations.close(
      () => this.subscriptions.stopAll(),
      async () => {
        await this.notifying;
        clearTimeout(this.heldBackRecheck);
        await this.commitListener.stop();
        await this.pool.end();
      },
    );
  }

  /** Runs `operation` unless the store is closed, and lets close() wait for it. */
  private track<T>(operation: () => Promise<T>): Promise<T> {
    return this.operations.track(operation);
  }

  private async tryAppend(append: SerializedAppend): Promise<AppendResult | 'retry'> {
    const { streamName, expectedVersion, events, ids } = append;
    let inserted: InsertedEventRow[];
    try {
      const { appendAnyVersion, appendToNewStream, appendAtVersion } = this.statements;
      const [statement, versionParameter] =
        expectedVersion === 'any' ? [appendAnyVersion, []] : expectedVersion === 0 ? [appendToNewStream, []] : [appendAtVersion, [expectedVersion]];
      const started = performance.now();
      ({ rows: inserted } = await this.pool.query<InsertedEventRow>({
        ...statement,
        values: [streamName, events.length, ids, append.types, append.data, append.metadata, ...versionParameter],
      }));
      if (inserted.length > 0) notifyCommit(this.onCommit, { appends: 1, events: inserted.length, commitMs: performance.now() - started });
    } catch (error) {
      // Another transaction stored one of these ids (or deadlocked with this one on them) while this one ran.
      if (error instanceof DatabaseError && error.code === UNIQUE_VIOLATION && error.constraint === 'events_id_key') return 'retry';
      if (error instanceof DatabaseError && error.code === DEADLOCK_DETECTED) return 'retry';
      throw error;
    }

    if (inserted.length === 0) {
      const alreadyStored = await this.findStoredIds(append);
      if (alreadyStored) return alreadyStored;
      const actualVersion = await this.currentVersion(streamName);
      // The stream moved on to exactly the expected version after the write was refused: try again.
      if (actualVersion === expectedVersion) return 'retry';
      return { outcome: 'version_conflict', actualVersion };
    }

    this.signalCommit();
    this.notifyOtherProcesses();
    inserted.sort((left, right) => left.event_index - right.event_index);
    const stored = inserted.map((row, index): StoredEvent => ({
      ...events[index],
      streamName,
      streamVersion: Number(row.stream_version),
      position: toPosition(row.transaction_id, row.event_index),
      recordedAt: row.recorded_at.toISOString(),
    }));
    return { outcome: 'appended', events: stored, nextExpectedVersion: stored[stored.length - 1].streamVersion };
  }

  /** The `duplicate` outcome if the first id is stored; throws EventIdCollisionError if a later one is. */
  private async findStoredIds(append: SerializedAppend): Promise<AppendResult | undefined> {
    const { rows } = await this.pool.query<EventRow>(this.statements.findEvents, [append.ids]);
    if (rows.length === 0) return undefined;
    const first = rows.find((row) => row.id === append.ids[0]);
    if (first) return { outcome: 'duplicate', existing: toStoredEvent(first) };
    throw new EventIdCollisionError(append.streamName, rows[0].id);
  }

  private async currentVersion(streamName: string): Promise<number> {
    const { rows } = await this.pool.query<{ stream_version: string }>(this.statements.streamVersion, [streamName]);
    return rows.length === 0 ? 0 : Number(rows[0].stream_version);
  }

  private async readPage(after: string | undefined, limit: number | null): Promise<StoredEvent[]> {
    const afterParameters = positionParameters(after);
    if (afterParameters === undefined) return [];
    const { rows } = await this.pool.query<EventRow>(this.statements.readAll, [...afterParameters, limit]);
    return rows.map(toStoredEvent);
  }

  /**
   * Like readPage, and when the page is empty but committed events wait
   * behind an older transaction (seen in the same snapshot), wakes the
   * subscriptions again after a short pause: the end of that transaction
   * sends no notification (it may not be an append).
   */
  private async readSubscriptionPage(after: string | undefined, limit: number): Promise<StoredEvent[]> {
    const afterParameters = positionParameters(after);
    if (afterParameters === undefined) return [];
    const { rows } = await this.pool.query<Partial<EventRow> & { held_back: boolean }>(this.statements.readSubscriptionPage, [...afterParameters, limit]);
    const page = rows.filter((row): row is EventRow & { held_back: boolean } => row.id != null).map(toStoredEvent);
    if (page.length === 0 && rows[0].held_back && !this.heldBackRecheck && !this.operations.isClosed) {
      this.heldBackRecheck = setTimeout(() => {
        this.heldBackRecheck = undefined;
        this.signalCommit();
      }, this.heldBackRecheckMs);
    }
    return page;
  }

  private signalCommit(): void {
    this.subscriptions.signalCommit();
  }

  /** Sends one NOTIFY at a time; the commits made while one is on its way are covered by one more. */
  private notifyOtherProcesses(): void {
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = this.sendNotifications().finally(() => (this.notifying = undefined));
  }

  private async sendNotifications(): Promise<void> {
    do {
      this.notifyAgain = false;
      // A lost notification only delays subscribers until their next poll.
      await this.pool.query('SELECT pg_notify($1, $2)', [COMMIT_CHANNEL, this.schema]).catch(() => undefined);
    } while (this.notifyAgain);
  }
}

/**
 * The one connection that LISTENs for commits of this schema, opened with
 * the first subscription. When it breaks it reconnects after a pause;
 * meanwhile subscriptions keep polling.
 */
class CommitListener {
  private client: Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly schema: string,
    private readonly onCommit: () => void,
  ) {}

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.connecting;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private connect(): void {
    const client = new Client({
      connectionString: this.connectionString,
      application_name: `cmx-event-store-listener:${this.schema}`,
    });
    client.on('notification', (message) => {
      if (message.channel === COMMIT_CHANNEL && message.payload === this.schema) this.onCommit();
    });
    client.on('error', () => this.reconnectLater(client));
    client.on('end', () => this.reconnectLater(client));
    this.client = client;
    this.connecting = client
      .connect()
      .then(() => client.query(`LISTEN ${COMMIT_CHANNEL}`))
      // Commits made while no connection listened are found by the next read.
      .then(() => this.onCommit())
      .catch(() => this.reconnectLater(client))
      .finally(() => (this.connecting = undefined));
  }

  private reconnectLater(client: Client): void {
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.reconnectTimer = setTimeout(() => this.connect(), LISTENER_RECONNECT_DELAY_MS);
  }
}

/**
 * Positions only grow if every new transaction id is above those in the log.
 * A log restored into another cluster (pg_dump, logical replication) breaks
 * that until the new cluster's transaction ids have been advanced past it.
 */
async function assertTransactionIdsAheadOfLog(pool: Pool, schema: string): Promise<void> {
  const { rows } = await pool.query<{ highest: string | null; next: string }>(
    `SELECT (SELECT transaction_id FROM ${quoteSchemaName(schema)}.events ORDER BY transaction_id DESC LIMIT 1)::text AS highest,
            pg_snapshot_xmax(pg_current_snapshot())::text AS next`,
  );
  const { highest, next } = rows[0];
  if (highest !== null && BigInt(highest) >= BigInt(next)) {
    throw new Error(
      `PostgreSQL schema "${schema}" holds events of transaction ${highest} but this server's next transaction id is ${next}: ` +
        'new events would get lower positions (was the log restored into another cluster?); advance the transaction ids past it first',
    );
  }
}

function sqlStatements(schemaName: string) {
  const schema = quoteSchemaName(schemaName);
  // The appends are the hot path: named, each connection parses and plans them once.
  const prepared = (name: string, text: string) => ({ name: `${schemaName}:${name}`, text });
  // Checked in the same statement so that an append's usual path is one round trip; a concurrent insert of an id is caught by events_id_key.
  const noIdStored = `NOT EXISTS (SELECT 1 FROM ${schema}.events WHERE id = ANY($3::text[]))`;
  /** Advances the stream (the statement given, which returns nothing when the version or the ids forbid the append) and inserts the events after its previous version. */
  const insertEvents = (streamStatement: string): string => `
    WITH stream AS (${streamStatement})
    INSERT INTO ${schema}.events (event_index, stream_name, stream_version, id, type, data, metadata, recorded_at)
    SELECT appended.ordinality - 1, $1, stream.previous_version + appended.ordinality,
           appended.id, appended.type, appended.data, appended.metadata,
           date_trunc('milliseconds', statement_timestamp())
      FROM stream,
           unnest($3::text[], $4::text[], $5::json[], $6::json[]) WITH ORDINALITY
             AS appended (id, type, data, metadata, ordinality)
    RETURNING transaction_id::text AS transaction_id, event_index, stream_version, recorded_at`;
  // ORDER BY e.transaction_id, the column: the bare name would sort by the transaction_id::text output column
  // ('1000001' before '999999'), and a page read across such a bound would skip the events below it.
  const readAll = `
      SELECT ${EVENT_COLUMNS} FROM ${schema}.events e
       WHERE (e.transaction_id, e.event_index) > ($1::xid8, $2::integer)
         AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY e.transaction_id, e.event_index
       LIMIT $3`;
  // PostgreSQL's own hash of the name, shifted to 0 … 2^32 - 1: the parts need only agree between readers asking one server.
  const readPartition = readAll.replace('ORDER BY', 'AND (hashtext(stream_name)::bigint + 2147483648) % $4 = $5\n       ORDER BY');
  return {
    appendToNewStream: prepared(
      'append-to-new-stream',
      insertEvents(`
      INSERT INTO ${schema}.streams (stream_name, stream_version)
      SELECT $1::text, $2::bigint WHERE ${noIdStored}
      ON CONFLICT (stream_name) DO NOTHING
      RETURNING 0::bigint AS previous_version`),
    ),
    // $7: the expected version. A concurrent append holding the row makes this wait, then re-check the new version.
    appendAtVersion: prepared(
      'append-at-version',
      insertEvents(`
      UPDATE ${schema}.streams SET stream_version = stream_version + $2::bigint
       WHERE stream_name = $1::text AND stream_version = $7 AND ${noIdStored}
      RETURNING stream_version - $2 AS previous_version`),
    ),
    appendAnyVersion: prepared(
      'append-any-version',
      insertEvents(`
      INSERT INTO ${schema}.streams AS streams (stream_name, stream_version)
      SELECT $1::text, $2::bigint WHERE ${noIdStored}
      ON CONFLICT (stream_name) DO UPDATE SET stream_version = streams.stream_version + EXCLUDED.stream_version
      RETURNING stream_version - $2 AS previous_version`),
    ),
    findEvents: `SELECT ${EVENT_COLUMNS} FROM ${schema}.events WHERE id = ANY($1::text[])`,
    streamVersion: `SELECT stream_version FROM ${schema}.streams WHERE stream_name = $1`,
    readStream: `
      SELECT ${EVENT_COLUMNS} FROM ${schema}.events
       WHERE stream_name = $1 AND stream_version > $2
       ORDER BY stream_version
       LIMIT $3`,
    readAll,
    readPartition,
    // readAll's page, or one row of nulls when it is empty, each row with held_back: whether committed events wait above the page.
    readSubscriptionPage: `
      WITH page AS (${readAll})
      SELECT page.*,
             EXISTS (SELECT 1 FROM ${schema}.events WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) AS held_back
        FROM (VALUES (1)) AS always_one_row LEFT JOIN page ON true
       ORDER BY page.transaction_id::xid8, page.event_index`,
    headPosition: `
      SELECT e.transaction_id::text AS transaction_id, e.event_index FROM ${schema}.events e
       WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY e.transaction_id DESC, e.event_index DESC
       LIMIT 1`,
  };
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    streamName: row.stream_name,
    streamVersion: Number(row.stream_version),
    position: toPosition(row.transaction_id, row.event_index),
    recordedAt: row.recorded_at.toISOString(),
  };
}

function toPosition(transactionId: string, eventIndex: number): string {
  return (BigInt(transactionId) * POSITIONS_PER_TRANSACTION + BigInt(eventIndex)).toString();
}

/** The ($1 transaction id, $2 event index) to read after; undefined when no event can come after `after`. */
function positionParameters(after: string | undefined): [transactionId: string, eventIndex: number] | undefined {
  const position = after === undefined ? 0n : parseDecimalPosition(after);
  const transactionId = position / POSITIONS_PER_TRANSACTION;
  if (transactionId > MAX_TRANSACTION_ID) return undefined;
  return [transactionId.toString(), Number(position % POSITIONS_PER_TRANSACTION)];
}

function serializeAppend(streamName: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): SerializedAppend {
  checkAppendArguments(streamName, events, expectedVersion, { maxEventsPerAppend: MAX_EVENTS_PER_APPEND });
  return {
    streamName,
    expectedVersion,
    events,
    ids: events.map((event) => event.id),
    types: events.map((event) => event.type),
    data: events.map((event) => serializeJsonObject(event.data, `event ${event.id} data`)),
    metadata: events.map((event) => serializeJsonObject(event.metadata, `event ${event.id} metadata`)),
  };
}
