import type { TimelineEntry } from '@cmx/case-domain';

export const DELIVERY_CHANNEL = Symbol('DELIVERY_CHANNEL');

/** What a recipient receives of a message: the timeline entry plus the case and the store position. */
export interface MessagePayload extends TimelineEntry {
  readonly caseId: string;
  readonly position: string;
}

/**
 * What a recipient of messages of a case receives when persons of it, or the whole case, are erased: which
 * messages it should delete its copies of. `messageId` is the erasure's own id (acknowledge it like a message).
 */
export interface ErasureNoticePayload {
  readonly caseId: string;
  readonly position: string;
  readonly caseVersion: number;
  readonly messageId: string;
  readonly type: 'erasure.notice';
  readonly sender: string;
  readonly receivedAt: string;
  readonly personRefs?: readonly string[];
  readonly wholeCase?: true;
  /** The messages the recipient received that held the erased data. */
  readonly messageIds: readonly string[];
  readonly erasedAt: string;
  readonly reason: string;
}

export type DeliveryPayload = MessagePayload | ErasureNoticePayload;

export interface Delivery {
  readonly party: string;
  readonly payload: DeliveryPayload;
}

export interface DeliveryChannel {
  readonly kind: 'kafka' | 'feed';
  /** Resolves once every delivery is durable on the channel; per case, deliveries keep the order given. */
  deliver(deliveries: readonly Delivery[]): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One topic per party: `cmx.deliveries.<party code in lower case>`. */
export const partyTopic = (party: string): string => `cmx.deliveries.${party.toLowerCase()}`;

/** The headers of a party topic's record. */
export const DELIVERY_HEADERS = { messageId: 'message-id', messageType: 'message-type', caseVersion: 'case-version' } as const;
export type DeliveryHeaderName = (typeof DELIVERY_HEADERS)[keyof typeof DELIVERY_HEADERS];

/** A record's headers: the same facts as its value's, for a consumer to route or drop a repeat before parsing it. */
export function deliveryHeaders(payload: DeliveryPayload): Record<DeliveryHeaderName, string> {
  return {
    [DELIVERY_HEADERS.messageId]: payload.messageId,
    [DELIVERY_HEADERS.messageType]: payload.type,
    [DELIVERY_HEADERS.caseVersion]: String(payload.caseVersion),
  };
}
