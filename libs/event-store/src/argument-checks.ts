/**
 * The argument checks every EventStore adapter makes, with the same errors
 * and messages whatever the engine, so that callers see one port.
 */
import { EventIdCollisionError } from './event-store.errors';
import type { ExpectedVersion, NewEvent } from './event-store.port';

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** What an engine checks of an append beyond what every adapter checks. */
export interface EngineAppendRules {
  /** Throws for a stream name the engine reserves; called once the name is a non-empty string. */
  readonly checkStreamName?: (streamName: string) => void;
  /** The most events one append may carry. */
  readonly maxEventsPerAppend?: number;
  /** Throws for an event id the engine cannot keep as given; replaces the check that it is a non-empty string. */
  readonly checkEventId?: (id: string, streamName: string) => void;
  /** Throws for an event type the engine reserves; called once the type is a non-empty string. */
  readonly checkEventType?: (type: string, streamName: string) => void;
  /** Called with each event once it has passed the checks above (before the next event is checked). */
  readonly eachEvent?: (event: NewEvent) => void;
}

/**
 * Checks an append before anything is written: a non-empty stream name,
 * expectedVersion 'any' or a non-negative integer, at least one event, each
 * with a non-empty string id and type, no id twice (EventIdCollisionError),
 * and the engine's own `rules`. Throws on the first thing wrong.
 */
export function checkAppendArguments(streamName: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion, rules: EngineAppendRules = {}): void {
  if (typeof streamName !== 'string' || streamName.length === 0) {
    throw new TypeError('append: streamName must be a non-empty string');
  }
  rules.checkStreamName?.(streamName);
  if (expectedVersion !== 'any') nonNegativeInteger(expectedVersion, 'expectedVersion');
  if (!Array.isArray(events) || events.length === 0) {
    throw new TypeError(`append to ${streamName}: at least one event is required`);
  }
  const { maxEventsPerAppend } = rules;
  if (maxEventsPerAppend !== undefined && events.length > maxEventsPerAppend) {
    throw new RangeError(`append to ${streamName}: at most ${maxEventsPerAppend} events per append`);
  }
  const ids = new Set<string>();
  for (const event of events) {
    if (rules.checkEventId) {
      rules.checkEventId(event.id, streamName);
    } else if (typeof event.id !== 'string' || event.id.length === 0) {
      throw new TypeError(`append to ${streamName}: every event needs a non-empty string id`);
    }
    if (typeof event.type !== 'string' || event.type.length === 0) {
      throw new TypeError(`append to ${streamName}: event ${event.id} needs a non-empty string type`);
    }
    rules.checkEventType?.(event.type, streamName);
    if (ids.has(event.id)) throw new EventIdCollisionError(streamName, event.id);
    ids.add(event.id);
    rules.eachEvent?.(event);
  }
}

/** An event's data and metadata as JSON text; throws unless each is a JSON object that JSON can carry (no bigint, no cycle). */
export function serializeEventBodies(event: NewEvent): { data: string; metadata: string } {
  return {
    data: serializeJsonObject(event.data, `event ${event.id} data`),
    metadata: serializeJsonObject(event.metadata, `event ${event.id} metadata`),
  };
}

/** `value` as JSON text; throws unless it is a JSON object (not an array, not null) that JSON can carry. */
export function serializeJsonObject(value: unknown, what: string): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${what} must be a JSON object`);
  }
  return JSON.stringify(value);
}

/** A position string of the port (a decimal integer, at most `highest` if given), as the number it encodes. */
export function parseDecimalPosition(position: string, highest?: bigint): bigint {
  if (typeof position !== 'string' || !DECIMAL.test(position) || (highest !== undefined && BigInt(position) > highest)) {
    throw new TypeError(`not an event store position: ${String(position)}`);
  }
  return BigInt(position);
}

export function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

export function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
