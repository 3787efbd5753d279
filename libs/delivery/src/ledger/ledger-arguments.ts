import { isCursor } from './delivery-ledger.port';

/** The checks both ledger adapters make of what they are given, before any statement runs. */

export function position(value: string, what: string): string {
  if (!isCursor(value)) throw new RangeError(`${what} is not a store position (a decimal 64-bit integer): ${String(value)}`);
  return value;
}

export function party(value: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError('every delivery needs a party');
  return value;
}

/** The time as an ISO 8601 UTC string to the millisecond, as both ledger engines keep it. */
export function instant(value: string, what: string): string {
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) throw new RangeError(`${what} is not an ISO 8601 time: ${String(value)}`);
  return new Date(time).toISOString();
}

export function pageSize(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer: ${limit}`);
  return limit;
}
