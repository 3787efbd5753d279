import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CatchUpSubscription } from '../catch-up-subscription';
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

export interface SqliteEventStoreOptions {
  /** Path of the database file; its directory is created if missing. */
  readonly file: string;
  /** How long a write waits for another connection's lock before failing. Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Appends committed in one transaction at most; a full queue is committed at once. Default 512. */
  readonly maxBatchSize?: number;
  /** How often an idle subscription reads anyway, to see commits of other processes. Default 250. */
  readonly subscriptionPollIntervalMs?: number;
  /** Events per read while a subscription catches up, unless it asks otherwise. Default 256. */
  readonly defaultSubscriptionBatchSize?: number;
}

interface EventRow {
  position: bigint;
  stream_name: string;
  stream_version: bigint;
  id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

interface SerializedEvent {
  readonly event: NewEvent;
  readonly data: string;
  readonly metadata: string;
}

interface PendingAppend {
  readonly streamName: string;
  readonly events: readonly SerializedEvent[];
  readonly expectedVersion: ExpectedVersion;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

type AppendOutcome = { readonly result: AppendResult } | { readonly error: Error };

const COMMITTED = 'committed';
const NO_LIMIT = -1;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position       INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_name    TEXT    NOT NULL,
    stream_version INTEGER NOT NULL,
    id             TEXT    NOT NULL UNIQUE,
    type           TEXT    NOT NULL,
    data           TEXT    NOT NULL,
    metadata       TEXT    NOT NULL,
    recorded_at    TEXT    NOT NULL,
    UNIQUE (stream_name, stream_version)
  );
`;

const EVENT_COLUMNS = 'position, stream_name, stream_version, id, type, data, metadata, recorded_at';

/**
 * The embedded event store: one SQLite file in WAL mode, fsynced on every
 * commit. Appends are queued and committed together (group commit): one
 * transaction and one fsync per batch, each append checked on its own inside
 * it, so one append's conflict or collision never fails another.
 *
 * A stream's version is read from the (stream_name, stream_version) index
 * inside the write transaction rather than cached, so it stays exact when
 * several connections or processes write the same file.
 */
export class SqliteEventStore implements EventStore {
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly commitBatchInTransaction: Database.Transaction<
    (batch: readonly PendingAppend[], recordedAt: string) => AppendOutcome[]
  >;
  private readonly commits = new EventEmitter().setMaxListeners(0);
  private commitCount = 0;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closing: Promise<void> | undefined;
  private isClosed = false;
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private readonly maxBatchSize: number;
  private readonly subscriptionPollIntervalMs: number;
  private readonly defaultSubscriptionBatchSize: number;

  private constructor(
    private readonly db: Database.Database,
    options: SqliteEventStoreOptions,
  ) {
    this.maxBatchSize = positiveInteger(options.maxBatchSize ?? 512, 'maxBatchSize');
    this.subscriptionPollIntervalMs = positiveInteger(options.subscriptionPollIntervalMs ?? 250, 'subscriptionPollIntervalMs');
    this.defaultSubscriptionBatchSize = positiveInteger(options.defaultSubscriptionBatchSize ?? 256, 'defaultSubscriptionBatchSize');
    this.statements = prepareStatements(db);
    this.commitBatchInTransaction = db.transaction((batch, recordedAt) =>
      batch.map((pending) => this.applyAppend(pending, recordedAt)),
    );
  }

  static async open(options: SqliteEventStoreOptions): Promise<SqliteEventStore> {
    mkdirSync(dirname(options.file), { recursive: true });
    const db = new Database(options.file);
    try {
      db.pragma(`busy_timeout = ${nonNegativeInteger(options.busyTimeoutMs ?? 5000, 'busyTimeoutMs')}`);
      const journalMode = db.pragma('journal_mode = WAL', { simple: true });
      if (journalMode !== 'wal') {
        throw new Error(`SQLite event store ${options.file}: WAL journal mode unavailable (got ${String(journalMode)})`);
      }
      db.pragma('synchronous = FULL');
      db.exec(SCHEMA);
      db.defaultSafeIntegers(true);
      return new SqliteEventStore(db, options);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  append(streamName: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      if (this.isClosed) throw new EventStoreClosedError();
      const serialized = validateAppend(streamName, events, expectedVersion);
      this.queue.push({ streamName, events: serialized, expectedVersion, resolve, reject });
      if (this.queue.length >= this.maxBatchSize) {
        this.commitBatch(this.queue.splice(0, this.maxBatchSize));
      } else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flushQueue();
        });
      }
    });
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    const afterVersion = nonNegativeInteger(options.afterVersion ?? 0, 'afterVersion');
    const limit = options.limit === undefined ? NO_LIMIT : nonNegativeInteger(options.limit, 'limit');
    const rows = this.statements.readStream.all(streamName, afterVersion, limit) as EventRow[];
    return rows.map(toStoredEvent);
  }

  async streamVersion(streamName: string): Promise<number> {
    this.assertOpen();
    return this.currentVersion(streamName);
  }

  async findEvent(id: string): Promise<StoredEvent | undefined> {
    this.assertOpen();
    const row = this.statements.findEvent.get(id) as EventRow | undefined;
    return row && toStoredEvent(row);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    const limit = options.limit === undefined ? NO_LIMIT : nonNegativeInteger(options.limit, 'limit');
    return this.readPage(options.after, limit);
  }

  async headPosition(): Promise<string | undefined> {
    this.assertOpen();
    const position = this.statements.headPosition.get() as bigint | undefined;
    return position === undefined ? undefined : position.toString();
  }

  subscribe(handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    if (this.closing) throw new EventStoreClosedError();
    if (options.after !== undefined) parsePosition(options.after);
    const subscription = new CatchUpSubscription({
      readPage: async (after, limit) => this.readPage(after, limit),
      commitSignal: {
        commitCount: () => this.commitCount,
        onNextCommit: (listener) => {
          this.commits.once(COMMITTED, listener);
          return () => this.commits.off(COMMITTED, listener);
        },
      },
      handler,
      after: options.after,
      batchSize: positiveInteger(options.batchSize ?? this.defaultSubscriptionBatchSize, 'batchSize'),
      pollIntervalMs: this.subscriptionPollIntervalMs,
      onEnd: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async ping(): Promise<void> {
    this.assertOpen();
    this.statements.ping.get();
  }

  /**
   * Stops the subscriptions (letting running handlers finish, reads and
   * appends included), commits every append still queued, then closes the file.
   */
  close(): Promise<void> {
    this.closing ??= this.closeAfterPendingWork();
    return this.closing;
  }

  private async closeAfterPendingWork(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.flushQueue();
    this.isClosed = true;
    this.db.close();
  }

  private flushQueue(): void {
    while (this.queue.length > 0) {
      this.commitBatch(this.queue.splice(0, this.maxBatchSize));
    }
  }

  private commitBatch(batch: readonly PendingAppend[]): void {
    let outcomes: AppendOutcome[];
    try {
      outcomes = this.commitBatchInTransaction.immediate(batch, new Date().toISOString());
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, index) => {
      const outcome = outcomes[index];
      if ('error' in outcome) pending.reject(outcome.error);
      else pending.resolve(outcome.result);
    });
    if (outcomes.some((outcome) => 'result' in outcome && outcome.result.outcome === 'appended')) {
      this.commitCount += 1;
      this.commits.emit(COMMITTED);
    }
  }

  /** Runs inside the batch transaction, so it sees the appends before it in the same batch. */
  private applyAppend(pending: PendingAppend, recordedAt: string): AppendOutcome {
    const { streamName, events, expectedVersion } = pending;
    const existing = this.statements.findEvent.get(events[0].event.id) as EventRow | undefined;
    if (existing) return { result: { outcome: 'duplicate', existing: toStoredEvent(existing) } };
    for (const { event } of events.slice(1)) {
      if (this.statements.eventIdExists.get(event.id) !== undefined) {
        return { error: new EventIdCollisionError(streamName, event.id) };
      }
    }
    const actualVersion = this.currentVersion(streamName);
    if (expectedVersion !== 'any' && expectedVersion !== actualVersion) {
      return { result: { outcome: 'version_conflict', actualVersion } };
    }
    const stored = events.map(({ event, data, metadata }, index): StoredEvent => {
      const streamVersion = actualVersion + index + 1;
      const { lastInsertRowid } = this.statements.insertEvent.run(
        streamName,
        streamVersion,
        event.id,
        event.type,
        data,
        metadata,
        recordedAt,
      );
      return {
        id: event.id,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
        streamName,
        streamVersion,
        position: lastInsertRowid.toString(),
        recordedAt,
      };
    });
    return { result: { outcome: 'appended', events: stored, nextExpectedVersion: actualVersion + events.length } };
  }

  private currentVersion(streamName: string): number {
    const version = this.statements.streamVersion.get(streamName) as bigint | null;
    return version === null ? 0 : Number(version);
  }

  private readPage(after: string | undefined, limit: number): StoredEvent[] {
    this.assertOpen();
    const afterPosition = after === undefined ? 0n : parsePosition(after);
    const rows = this.statements.readAll.all(afterPosition, limit) as EventRow[];
    return rows.map(toStoredEvent);
  }

  private assertOpen(): void {
    if (this.isClosed) throw new EventStoreClosedError();
  }
}

function prepareStatements(db: Database.Database) {
  return {
    insertEvent: db.prepare(
      'INSERT INTO events (stream_name, stream_version, id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    findEvent: db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ?`),
    eventIdExists: db.prepare('SELECT 1 FROM events WHERE id = ?').pluck(),
    streamVersion: db.prepare('SELECT MAX(stream_version) FROM events WHERE stream_name = ?').pluck(),
    readStream: db.prepare(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_name = ? AND stream_version > ? ORDER BY stream_version LIMIT ?`,
    ),
    readAll: db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`),
    headPosition: db.prepare('SELECT position FROM events ORDER BY position DESC LIMIT 1').pluck(),
    ping: db.prepare('SELECT 1'),
  };
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    type: row.type,
    data: JSON.parse(row.data) as JsonObject,
    metadata: JSON.parse(row.metadata) as JsonObject,
    streamName: row.stream_name,
    streamVersion: Number(row.stream_version),
    position: row.position.toString(),
    recordedAt: row.recorded_at,
  };
}

function validateAppend(
  streamName: string,
  events: readonly NewEvent[],
  expectedVersion: ExpectedVersion,
): SerializedEvent[] {
  if (typeof streamName !== 'string' || streamName.length === 0) {
    throw new TypeError('append: streamName must be a non-empty string');
  }
  if (expectedVersion !== 'any') nonNegativeInteger(expectedVersion, 'expectedVersion');
  if (!Array.isArray(events) || events.length === 0) {
    throw new TypeError(`append to ${streamName}: at least one event is required`);
  }
  const ids = new Set<string>();
  return events.map((event) => {
    if (typeof event.id !== 'string' || event.id.length === 0) {
      throw new TypeError(`append to ${streamName}: every event needs a non-empty string id`);
    }
    if (typeof event.type !== 'string' || event.type.length === 0) {
      throw new TypeError(`append to ${streamName}: event ${event.id} needs a non-empty string type`);
    }
    if (ids.has(event.id)) throw new EventIdCollisionError(streamName, event.id);
    ids.add(event.id);
    return {
      event,
      data: serializeObject(event.data, `event ${event.id} data`),
      metadata: serializeObject(event.metadata, `event ${event.id} metadata`),
    };
  });
}

function serializeObject(value: JsonObject, what: string): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${what} must be a JSON object`);
  }
  return JSON.stringify(value);
}

function parsePosition(position: string): bigint {
  if (typeof position !== 'string' || !/^(0|[1-9][0-9]*)$/.test(position)) {
    throw new TypeError(`not an event store position: ${String(position)}`);
  }
  return BigInt(position);
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
