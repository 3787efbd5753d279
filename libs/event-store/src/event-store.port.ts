/**
 * The EventStore port. Every adapter (sqlite, postgres, eventstoredb) passes
 * the shared conformance suite in ./conformance.
 *
 * Versions: a stream's version is the number of events it holds; the first
 * event of a stream has streamVersion 1, and expectedVersion 0 means "the
 * stream must not exist yet".
 * Positions: the store's global, strictly increasing order of commit, as a
 * decimal string (bigint-safe). Readers resume "after" a position.
 */
import type { StreamPartition } from './stream-partition';

export const EVENT_STORE = Symbol('EVENT_STORE');

export type JsonObject = { readonly [key: string]: unknown };

export interface NewEvent {
  /** Unique across the whole store; the idempotency key (a CMF/1 messageId). */
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

export interface StoredEvent extends NewEvent {
  readonly streamName: string;
  readonly streamVersion: number;
  readonly position: string;
  /** ISO 8601, set by the store at commit. */
  readonly recordedAt: string;
}

export type ExpectedVersion = number | 'any';

export type AppendResult =
  | { readonly outcome: 'appended'; readonly events: readonly StoredEvent[]; readonly nextExpectedVersion: number }
  /** The first event's id was already stored: nothing was written. */
  | { readonly outcome: 'duplicate'; readonly existing: StoredEvent }
  | { readonly outcome: 'version_conflict'; readonly actualVersion: number };

export interface ReadStreamOptions {
  /** Return events with streamVersion > afterVersion (default 0). */
  readonly afterVersion?: number;
  readonly limit?: number;
}

export interface ReadAllOptions {
  /** Return events strictly after this position; omitted means from the start. */
  readonly after?: string;
  readonly limit?: number;
  /** Only the events of the streams in this part of the log (for readers that split the log between them). */
  readonly partition?: StreamPartition;
}

export interface SubscribeOptions {
  /** Deliver events strictly after this position; omitted means from the start. */
  readonly after?: string;
  /** Events per read while catching up. */
  readonly batchSize?: number;
}

/**
 * Called once per event, in position order, never concurrently; the next event
 * is not delivered until the returned promise settles. If the handler throws,
 * the subscription stops and `closed` rejects with that error.
 */
export type EventHandler = (event: StoredEvent) => void | Promise<void>;

export interface Subscription {
  /** Stops delivering; resolves once no handler call is running. */
  stop(): Promise<void>;
  /** Settles when the subscription ends: resolves on stop(), rejects on a handler or store error. */
  readonly closed: Promise<void>;
}

export interface EventStore {
  /**
   * Appends atomically: all events or none. Durable before the promise
   * resolves. If the first event's id is already stored anywhere, nothing is
   * written and the stored event is returned as `duplicate`.
   */
  append(streamName: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult>;
  readStream(streamName: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** The stream's current version, 0 when it does not exist. */
  streamVersion(streamName: string): Promise<number>;
  findEvent(id: string): Promise<StoredEvent | undefined>;
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  /** The position of the last committed event, undefined when the store is empty. */
  headPosition(): Promise<string | undefined>;
  /** Catches up from `after`, then follows new commits live, with no gap and no repeat. */
  subscribe(handler: EventHandler, options?: SubscribeOptions): Subscription;
  /** A cheap round trip to the engine, for /health. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
