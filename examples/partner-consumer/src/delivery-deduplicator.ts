/**
 * Drops repeated deliveries. The exchange delivers at least once: after a
 * crash or a rebalance a record may come again, always with the same
 * `message-id`, and within a case always in case-version order (the record
 * key is the case id). So a delivery is a repeat when
 *   - its message id was seen recently, or
 *   - its case version is not above the last one seen for its case.
 *
 * Memory is bounded: both the recent message ids and the per-case versions
 * are least-recently-used maps of a fixed size. Forgetting is safe in one
 * direction only: a repeat of something forgotten by both maps passes again,
 * as does any repeat after a restart. A partner that must never process a
 * repeat keeps the last case version per case in its own database, in the
 * same transaction as the processing: this example does so in
 * ReceivedMessages (received-messages.ts), and keeps this deduplicator in
 * front of it only to answer repeats of recent deliveries from memory.
 */
export interface DeliveryIdentity {
  readonly messageId: string;
  readonly caseId: string;
  readonly caseVersion: number;
}

export type DedupeVerdict =
  | { readonly repeat: false }
  | { readonly repeat: true; readonly reason: 'message-id' }
  | { readonly repeat: true; readonly reason: 'case-version'; readonly lastCaseVersion: number };

export interface DeliveryDeduplicatorOptions {
  /** Recent message ids remembered. Default 100000. */
  readonly maxMessageIds?: number;
  /** Cases whose last case version is remembered. Default 100000. */
  readonly maxCases?: number;
}

export class DeliveryDeduplicator {
  private readonly maxMessageIds: number;
  private readonly maxCases: number;
  /** Insertion order is recency order: the first key is the least recently used. */
  private readonly messageIds = new Map<string, true>();
  private readonly lastCaseVersions = new Map<string, number>();

  constructor(options: DeliveryDeduplicatorOptions = {}) {
    this.maxMessageIds = positiveInteger(options.maxMessageIds ?? 100_000, 'maxMessageIds');
    this.maxCases = positiveInteger(options.maxCases ?? 100_000, 'maxCases');
  }

  /** Whether `delivery` repeats one already recorded. Records nothing. */
  check(delivery: DeliveryIdentity): DedupeVerdict {
    if (this.messageIds.has(delivery.messageId)) {
      touch(this.messageIds, delivery.messageId, true);
      return { repeat: true, reason: 'message-id' };
    }
    const lastCaseVersion = this.lastCaseVersions.get(delivery.caseId);
    if (lastCaseVersion !== undefined && delivery.caseVersion <= lastCaseVersion) {
      return { repeat: true, reason: 'case-version', lastCaseVersion };
    }
    return { repeat: false };
  }

  /** Remembers `delivery` as processed: call it once the message has been handled. */
  record(delivery: DeliveryIdentity): void {
    touch(this.messageIds, delivery.messageId, true);
    evictBeyond(this.messageIds, this.maxMessageIds);
    const lastCaseVersion = this.lastCaseVersions.get(delivery.caseId) ?? 0;
    touch(this.lastCaseVersions, delivery.caseId, Math.max(lastCaseVersion, delivery.caseVersion));
    evictBeyond(this.lastCaseVersions, this.maxCases);
  }

  /** check() and, when new, record(): for handlers that cannot fail half-way. */
  accept(delivery: DeliveryIdentity): DedupeVerdict {
    const verdict = this.check(delivery);
    if (!verdict.repeat) this.record(delivery);
    return verdict;
  }

  get size(): { readonly messageIds: number; readonly cases: number } {
    return { messageIds: this.messageIds.size, cases: this.lastCaseVersions.size };
  }
}

function touch<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
}

function evictBeyond<V>(map: Map<string, V>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next().value as string;
    map.delete(oldest);
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
