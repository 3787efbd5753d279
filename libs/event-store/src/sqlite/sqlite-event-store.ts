import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { checkAppendArguments, nonNegativeInteger, parseDecimalPosition, positiveInteger, serializeEventBodies } from '../argument-checks';
import { CatchUpSubscriptions } from '../catch-up-subscription';
import { CommitObserver, notifyCommit } from '../commit-observer';
import { EventIdCollisionError, EventStoreClosedError } from '../event-store.errors';
import { checkStreamPartition, StreamPartition, streamPartitionOf } from '../stream-partition';
import type {
  AppendResult,
  EventHandler,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { EVENT_COLUMNS, EventRow, openEventDatabase } from './sqlite-database';
import type { AppendRequest, BatchReply } from './sqlite-writer';
import type { WriterCommand, WriterWorkerData } from './sqlite-writer.worker';

export interface SqliteEventStoreOptions {
  /** Path of the database file; its directory is created if missing. */
  readonly file: string;
  /** How long a write waits for another connection's lock before failing. Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Appends committed in one transaction at most. Default 512. */
  readonly maxBatchSize?: number;
  /** How often an idle subscription reads anyway, to see commits of other processes. Default 250. */
  readonly subscriptionPollIntervalMs?: number;
  /** Events per read while a subscription catches up, unless it asks otherwise. Default 256. */
  readonly defaultSubscriptionBatchSize?: number;
  /** Told of each group commit that wrote events (metrics). */
  readonly onCommit?: CommitObserver;
}

interface PendingAppend {
  readonly request: AppendRequest;
  readonly events: readonly NewEvent[];
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

const NO_LIMIT = -1;

/**
 * The embedded event store: one SQLite file in WAL mode, fsynced on every
 * commit. A writer thread owns the only writing connection; while it commits
 * one batch (one transaction, one fsync) the appends that arrive meanwhile
 * queue up and form the next batch (group commit), and the main thread keeps
 * serving requests instead of waiting for the disk. Reads use a connection of
 * their own on the main thread; WAL lets them run beside the writer.
 */
export class SqliteEventStore implements EventStore {
  private readonly statements: ReturnType<typeof prepareReadStatements>;
  private queue: PendingAppend[] = [];
  private inFlight: readonly PendingAppend[] | undefined;
  private writerFailure: Error | undefined;
  private drained: (() => void) | undefined;
  private closing: Promise<void> | undefined;
  private isClosed = false;
  private readonly subscriptions: CatchUpSubscriptions;
  private readonly maxBatchSize: number;
  private readonly onCommit: CommitObserver | undefined;

  private constructor(
    private readonly reader: Database.Database,
    private readonly writer: Worker,
    options: SqliteEventStoreOptions,
  ) {
    this.maxBatchSize = positiveInteger(options.maxBatchSize ?? 512, 'maxBatchSize');
    this.onCommit = options.onCommit;
    this.subscriptions = new CatchUpSubscriptions(options);
    this.statements = prepareReadStatements(reader);
    writer.on('message', (reply: BatchReply) => this.settle(reply));
    writer.on('error', (error) => this.failWriter(error));
    writer.on('exit', (code) => {
      if (!this.isClosed) this.failWriter(new Error(`the SQLite writer thread exited with code ${code}`));
    });
  }

  static async open(options: SqliteEventStoreOptions): Promise<SqliteEventStore> {
    const busyTimeoutMs = nonNegativeInteger(options.busyTimeoutMs ?? 5000, 'busyTimeoutMs');
    const writer = await startWriter({ file: options.file, busyTimeoutMs });
    try {
      return new SqliteEventStore(openEventDatabase(options.file, busyTimeoutMs, 'reader'), writer, options);
    } catch (error) {
      await writer.terminate();
      throw error;
    }
  }

  append(streamName: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      if (this.isClosed) throw new EventStoreClosedError();
      if (this.writerFailure) throw this.writerFailure;
      const request = { streamName, expectedVersion, events: serializeAppend(streamName, events, expectedVersion) };
      this.queue.push({ request, events, resolve, reject });
      this.sendNextBatch();
    });
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    const afterVersion = nonNegativeInteger(options.afterVersion ?? 0, 'afterVersion');
    const limit = options.limit === undefined ? NO_LIMIT : nonNegativeInteger(options.limit, 'limit');
    return (this.statements.readStream.all(streamName, afterVersion, limit) as EventRow[]).map(toStoredEvent);
  }

  async streamVersion(streamName: string): Promise<number> {
    this.assertOpen();
    const version = this.statements.streamVersion.get(streamName) as bigint | null;
    return version === null ? 0 : Number(version);
  }

  async findEvent(id: string): Promise<StoredEvent | undefined> {
    this.assertOpen();
    const row = this.statements.findEvent.get(id) as EventRow | undefined;
    return row && toStoredEvent(row);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    const limit = options.limit === undefined ? NO_LIMIT : nonNegativeInteger(options.limit, 'limit');
    if (options.partition !== undefined) checkStreamPartition(options.partition);
    return this.readPage(options.after, limit, options.partition);
  }

  async headPosition(): Promise<string | undefined> {
    this.assertOpen();
    const position = this.statements.headPosition.get() as bigint | undefined;
    return position === undefined ? undefined : position.toString();
  }

  subscribe(handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    if (this.closing) throw new EventStoreClosedError();
    if (options.after !== undefined) parseDecimalPosition(options.after);
    return this.subscriptions.subscribe(handler, options, async (after, limit) => this.readPage(after, limit));
  }

  async ping(): Promise<void> {
    this.assertOpen();
    if (this.writerFailure) throw this.writerFailure;
    this.statements.ping.get();
  }

  /**
   * Stops the subscriptions (letting running handlers finish, reads and
   * appends included), commits every append still queued, then closes.
   */
  close(): Promise<void> {
    this.closing ??= this.closeAfterPendingWork();
    return this.closing;
  }

  private async closeAfterPendingWork(): Promise<void> {
    await this.subscriptions.stopAll();
    if (this.inFlight || this.queue.length > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.isClosed = true;
    const exited = new Promise((resolve) => this.writer.once('exit', resolve));
    this.writer.postMessage({ kind: 'close' } satisfies WriterCommand);
    await exited;
    this.reader.close();
  }

  private sendNextBatch(): void {
    if (this.inFlight || this.queue.length === 0 || this.writerFailure) return;
    const batch = this.queue.splice(0, this.maxBatchSize);
    this.inFlight = batch;
    this.writer.postMessage({ kind: 'commit', batch: batch.map((pending) => pending.request) } satisfies WriterCommand);
  }

  private settle(reply: BatchReply): void {
    const batch = this.inFlight ?? [];
    this.inFlight = undefined;
    if (!reply.ok) {
      const error = Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {});
      batch.forEach((pending) => pending.reject(error));
    } else {
      batch.forEach((pending, index) => settleAppend(pending, reply.replies[index], reply.recordedAt));
      const written = batch.reduce((events, pending, index) => events + (reply.replies[index].outcome === 'appended' ? pending.events.length : 0), 0);
      if (written > 0) {
        this.subscriptions.signalCommit();
        notifyCommit(this.onCommit, { appends: batch.length, events: written, commitMs: reply.commitMs });
      }
    }
    this.sendNextBatch();
    if (!this.inFlight && this.queue.length === 0) this.drained?.();
  }

  private failWriter(error: Error): void {
    this.writerFailure ??= error;
    const waiting = [...(this.inFlight ?? []), ...this.queue.splice(0)];
    this.inFlight = undefined;
    waiting.forEach((pending) => pending.reject(error));
    this.drained?.();
  }

  private readPage(after: string | undefined, limit: number, partition?: StreamPartition): StoredEvent[] {
    this.assertOpen();
    const afterPosition = after === undefined ? 0n : parseDecimalPosition(after);
    const rows = partition
      ? this.statements.readPartition.all(afterPosition, partition.count, partition.index, limit)
      : this.statements.readAll.all(afterPosition, limit);
    return (rows as EventRow[]).map(toStoredEvent);
  }

  private assertOpen(): void {
    if (this.isClosed) throw new EventStoreClosedError();
  }
}

/** The writer thread, from the compiled .js beside this file, or from the .ts source under ts-node (tests, benchmarks). */
function startWriter(workerData: WriterWorkerData): Promise<Worker> {
  const fromSource = extname(__filename) === '.ts';
  const worker = new Worker(join(__dirname, `sqlite-writer.worker${fromSource ? '.ts' : '.js'}`), {
    workerData,
    execArgv: fromSource ? ['-r', 'ts-node/register/transpile-only'] : [],
  });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (ready: { ready: boolean; error?: string }) => {
      worker.off('error', reject);
      if (ready.ready) resolve(worker);
      else void worker.terminate().then(() => reject(new Error(ready.error)));
    });
  });
}

function settleAppend(pending: PendingAppend, reply: BatchReplyItem, recordedAt: string): void {
  const { request, events } = pending;
  switch (reply.outcome) {
    case 'appended':
      pending.resolve({
        outcome: 'appended',
        events: events.map((event, index) => ({
          id: event.id,
          type: event.type,
          data: event.data,
          metadata: event.metadata,
          streamName: request.streamName,
          streamVersion: reply.firstVersion + index,
          position: reply.positions[index],
          recordedAt,
        })),
        nextExpectedVersion: reply.firstVersion + events.length - 1,
      });
      return;
    case 'duplicate':
      pending.resolve({ outcome: 'duplicate', existing: toStoredEvent(reply.existing) });
      return;
    case 'version_conflict':
      pending.resolve({ outcome: 'version_conflict', actualVersion: reply.actualVersion });
      return;
    case 'id_collision':
      pending.reject(new EventIdCollisionError(request.streamName, reply.eventId));
  }
}

type BatchReplyItem = Extract<BatchReply, { ok: true }>['replies'][number];

function prepareReadStatements(db: Database.Database) {
  db.function('cmx_stream_partition', { deterministic: true }, (streamName, count) => streamPartitionOf(String(streamName), Number(count)));
  return {
    findEvent: db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ?`),
    streamVersion: db.prepare('SELECT MAX(stream_version) FROM events WHERE stream_name = ?').pluck(),
    readStream: db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_name = ? AND stream_version > ? ORDER BY stream_version LIMIT ?`),
    readAll: db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`),
    // The stream's part is computed before the row is read out, so the rows of the other parts cost no parsing.
    readPartition: db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? AND cmx_stream_partition(stream_name, ?) = ? ORDER BY position LIMIT ?`),
    headPosition: db.prepare('SELECT position FROM events ORDER BY position DESC LIMIT 1').pluck(),
    ping: db.prepare('SELECT 1'),
  };
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    streamName: row.stream_name,
    streamVersion: Number(row.stream_version),
    position: row.position.toString(),
    recordedAt: row.recorded_at,
  };
}

function serializeAppend(streamName: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): AppendRequest['events'] {
  const serialized: AppendRequest['events'][number][] = [];
  checkAppendArguments(streamName, events, expectedVersion, {
    eachEvent: (event) => {
      serialized.push({ id: event.id, type: event.type, ...serializeEventBodies(event) });
    },
  });
  return serialized;
}
