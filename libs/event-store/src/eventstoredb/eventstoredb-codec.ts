/**
 * Pure translations between the EventStore port and EventStoreDB/KurrentDB
 * (`@eventstore/db-client` 6): versions, positions, names, event records.
 * No I/O here, so all of it is unit-tested without a server.
 */
import { ANY, NO_STREAM, type AppendExpectedRevision, type CurrentRevision, type Position, type RecordedEvent } from '@eventstore/db-client';
import { checkAppendArguments, parseDecimalPosition, serializeEventBodies } from '../argument-checks';
import type { ExpectedVersion, JsonObject, NewEvent, StoredEvent } from '../event-store.port';

/**
 * EventStoreDB keeps event ids as UUIDs and hands them back in lower case, so
 * only a lower-case UUID comes back exactly as it was given.
 */
const LOWER_CASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Positions are byte offsets in the transaction log: signed 64-bit on the server. */
const MAX_POSITION = (1n << 63n) - 1n;

/** Our version N is EventStoreDB revision N-1; 0 ("must not exist") is NO_STREAM. */
export function expectedRevisionFor(expectedVersion: ExpectedVersion): AppendExpectedRevision {
  if (expectedVersion === 'any') return ANY;
  if (expectedVersion === 0) return NO_STREAM;
  return BigInt(expectedVersion - 1);
}

/** The stream version (number of events) for a current revision reported by the server. */
export function versionOfRevision(revision: CurrentRevision): number {
  if (revision === NO_STREAM) return 0;
  if (typeof revision !== 'bigint') throw new Error(`unexpected stream revision from EventStoreDB: ${String(revision)}`);
  return safeVersion(revision + 1n);
}

/**
 * An event's position: its commit position in `$all`, as a decimal string.
 *
 * Every event written over gRPC is a self-committed prepare record (KurrentDB's
 * AllReader and ResolvedEvent.CalculatePosition give it the position
 * (LogPosition, LogPosition)), so commit and prepare positions are equal and
 * unique per event, also between the events of one multi-event append, and
 * increase in `$all` order. Only events of the legacy TCP API's explicit
 * transactions share a commit position; they are refused here rather than
 * given positions that collide.
 */
export function encodePosition(position: Position | undefined, what: string): string {
  // Servers before 22.6 send no position on stream reads, or 2^64-1 for "unknown".
  if (position === undefined || position.commit > MAX_POSITION || position.prepare > MAX_POSITION) {
    throw new Error(`${what} came without a position: the adapter needs EventStoreDB 22.6 or later (positions on stream reads)`);
  }
  if (position.commit !== position.prepare) {
    throw new Error(`${what} was written in an explicit transaction (commit ${position.commit}, prepare ${position.prepare}): not supported by this adapter`);
  }
  return position.commit.toString();
}

/** The `$all` position of a record read from `$all`, which the server always sends. */
export function positionOf(event: { readonly id: string; readonly streamId: string; readonly position?: Position }): Position {
  if (event.position === undefined) throw new Error(`event ${event.id} of ${event.streamId} came from $all without a position`);
  return event.position;
}

/** A position string of ours, back as the number it encodes. */
export function parsePosition(position: string): bigint {
  return parseDecimalPosition(position, MAX_POSITION);
}

/** The `$all` position to read or subscribe from for one of our position strings. */
export function allPositionOf(position: bigint): Position {
  return { commit: position, prepare: position };
}

/** Orders `$all` positions: by commit position, then by prepare position. */
export function comparePositions(left: Position, right: Position): number {
  if (left.commit !== right.commit) return left.commit < right.commit ? -1 : 1;
  if (left.prepare !== right.prepare) return left.prepare < right.prepare ? -1 : 1;
  return 0;
}

/**
 * Whether an event of `$all` belongs to the exchange: not a system event
 * (type or stream starting with `$`: stats, settings, links, metadata, the
 * id index) and not in an id index stream under a prefix without `$`.
 * readAll and subscribe apply the same rule, so they show the same events.
 */
export function isExchangeEvent(streamId: string, type: string, idIndexStreamPrefix: string): boolean {
  return !type.startsWith('$') && !streamId.startsWith('$') && !streamId.startsWith(idIndexStreamPrefix);
}

export function toStoredEvent(event: RecordedEvent): StoredEvent {
  const what = `event ${event.id} (${event.streamId}@${event.revision})`;
  if (!event.isJson) throw new Error(`${what} is not a JSON event: this store only reads events it wrote`);
  return {
    id: event.id,
    type: event.type,
    data: jsonObject(event.data, `${what} data`),
    metadata: event.metadata === undefined ? {} : jsonObject(event.metadata, `${what} metadata`),
    streamName: event.streamId,
    streamVersion: safeVersion(event.revision + 1n),
    position: encodePosition(event.position, what),
    recordedAt: event.created.toISOString(),
  };
}

export interface ValidatedAppend {
  readonly streamName: string;
  readonly events: readonly NewEvent[];
  readonly expectedVersion: ExpectedVersion;
}

/**
 * Checks an append before anything is written; throws what the other adapters
 * throw for the same mistakes, and refuses what EventStoreDB cannot keep as
 * given: reserved stream names and event types, ids other than lower-case UUIDs.
 */
export function validateAppend(
  streamName: string,
  events: readonly NewEvent[],
  expectedVersion: ExpectedVersion,
  idIndexStreamPrefix: string,
): ValidatedAppend {
  checkAppendArguments(streamName, events, expectedVersion, {
    checkStreamName: (name) => checkReservedStreamName(name, idIndexStreamPrefix),
    checkEventId: (id, name) => {
      if (typeof id !== 'string' || !LOWER_CASE_UUID.test(id)) {
        throw new TypeError(`append to ${name}: event id ${String(id)} is not a lower-case UUID (EventStoreDB stores event ids as UUIDs)`);
      }
    },
    checkEventType: (type, name) => {
      if (type.startsWith('$')) {
        throw new TypeError(`append to ${name}: event type ${type} starts with $, which EventStoreDB reserves for system events`);
      }
    },
    // Throws on what JSON cannot carry (a bigint, a cycle) before anything is written; the client serializes again.
    eachEvent: serializeEventBodies,
  });
  return { streamName, events, expectedVersion };
}

function checkReservedStreamName(streamName: string, idIndexStreamPrefix: string): void {
  if (streamName.startsWith('$') || streamName.startsWith(idIndexStreamPrefix)) {
    throw new TypeError(`append to ${streamName}: stream names starting with $ or ${idIndexStreamPrefix} are reserved`);
  }
}

const CONNECTION_SCHEMES: ReadonlyArray<readonly [string, string]> = [
  ['esdb+discover://', 'esdb+discover://'],
  ['kurrentdb+discover://', 'esdb+discover://'],
  ['kurrent+discover://', 'esdb+discover://'],
  ['kdb+discover://', 'esdb+discover://'],
  ['esdb://', 'esdb://'],
  ['kurrentdb://', 'esdb://'],
  ['kurrent://', 'esdb://'],
  ['kdb://', 'esdb://'],
];

/**
 * `@eventstore/db-client` 6 reads `esdb://` and `esdb+discover://` only; the
 * KurrentDB spellings (`kurrentdb://`, `kdb://`, …) mean the same settings.
 */
export function normalizeConnectionString(connectionString: string): string {
  if (typeof connectionString !== 'string' || connectionString.trim().length === 0) {
    throw new TypeError('EventStoreDB connectionString must be a non-empty string');
  }
  const trimmed = connectionString.trim();
  const lower = trimmed.toLowerCase();
  for (const [scheme, replacement] of CONNECTION_SCHEMES) {
    if (lower.startsWith(scheme)) return replacement + trimmed.slice(scheme.length);
  }
  throw new TypeError(`EventStoreDB connectionString must start with esdb://, esdb+discover:// or kurrentdb://, got ${redactConnectionString(trimmed)}`);
}

/** The connection string with any password left out, for messages. */
export function redactConnectionString(connectionString: string): string {
  return connectionString.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

function safeVersion(version: bigint): number {
  if (version > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`stream version ${version} is beyond what this port represents`);
  return Number(version);
}

function jsonObject(value: unknown, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new Error(`${what} is not a JSON object`);
  }
  return value as JsonObject;
}
