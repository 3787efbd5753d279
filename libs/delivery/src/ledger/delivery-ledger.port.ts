import type { AuditRecord } from '@cmx/audit';
import type { Delivery, DeliveryPayload } from '../delivery-channel.port';

export const DELIVERY_LEDGER = Symbol('DELIVERY_LEDGER');

export type DeliveryChannelKind = 'kafka' | 'feed';

/** One batch the dispatcher has delivered, recorded atomically with its checkpoint. */
export interface DispatchedBatch {
  /** In store-position order. */
  readonly deliveries: readonly Delivery[];
  readonly channel: DeliveryChannelKind;
  /** ISO 8601: when the channel made the batch durable. */
  readonly deliveredAt: string;
  /** The position of the last event of the batch (delivered or not): where the dispatcher resumes. */
  readonly checkpoint: string;
  /**
   * The audit log's `disclose` entries of these deliveries, written in the
   * same transaction (a ledger opened with the audit log's checkpoint policy);
   * a ledger opened without it refuses a batch that has any.
   */
  readonly disclosures?: readonly AuditRecord[];
}

/** One delivery as a party reads it from its feed; the cursor is the event's store position. */
export interface FeedItem {
  readonly cursor: string;
  readonly delivery: DeliveryPayload;
}

/** What the sender of a message sees of one recipient. */
export interface Recipient {
  readonly party: string;
  readonly channel: DeliveryChannelKind;
  readonly deliveredAt: string;
  readonly acknowledgedAt: string | null;
}

export interface MessageAcknowledgement {
  readonly acknowledged: number;
  /** The given message ids that were never delivered to the party. */
  readonly unknown: readonly string[];
}

/**
 * Every delivery the dispatcher has made (the feed of the parties reading it
 * over HTTP), each party's acknowledgements, and the dispatcher's checkpoint.
 * Adapters: SQLite (embedded) and PostgreSQL; both pass
 * ./conformance/delivery-ledger.conformance.ts.
 *
 * Cursors are store positions (decimal strings) compared as numbers, never
 * as text and never as timestamps. Message ids are kept and matched in lower case.
 */
export interface DeliveryLedger {
  /**
   * In one transaction: every delivery of the batch (a payload is stored once
   * per position, whatever the number of recipients) and the checkpoint. A
   * delivery already recorded (same party and position, after a crash between
   * delivering and recording) keeps its first record.
   */
  record(batch: DispatchedBatch): Promise<void>;
  /** The checkpoint of the last recorded batch; undefined before the first. */
  checkpoint(): Promise<string | undefined>;
  /** The party's deliveries with a cursor strictly after `after` (all when undefined), in cursor order, at most `limit`. */
  readFeed(party: string, after: string | undefined, limit: number): Promise<FeedItem[]>;
  /** The cursor of the party's newest delivery; undefined when it has none. */
  lastCursor(party: string): Promise<string | undefined>;
  /**
   * Acknowledges every delivery to the party up to and including the cursor
   * (those already acknowledged keep their first time) and returns how many
   * were newly acknowledged. Throws UnknownCursor when the cursor is not one
   * of the party's deliveries.
   */
  acknowledgeThrough(party: string, cursor: string, acknowledgedAt: string): Promise<number>;
  /** Acknowledges the party's deliveries of these messages. */
  acknowledgeMessages(party: string, messageIds: readonly string[], acknowledgedAt: string): Promise<MessageAcknowledgement>;
  /** Who received each of these messages (message id → recipients sorted by party); messages with no delivery are absent. */
  recipientsOf(messageIds: readonly string[]): Promise<ReadonlyMap<string, readonly Recipient[]>>;
  /** Calls the listener after each record() of this ledger object commits; returns the unsubscribe function. */
  onRecorded(listener: () => void): () => void;
  /** Calls the onRecorded listeners for a record() that another process committed (the all-in-one's dispatcher process). */
  recordedElsewhere(): void;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const MAX_CURSOR = 2n ** 63n - 1n;

/** A cursor as clients send it back: a decimal store position within a signed 64-bit integer. */
export const isCursor = (value: unknown): value is string => typeof value === 'string' && /^(0|[1-9]\d{0,18})$/.test(value) && BigInt(value) <= MAX_CURSOR;
