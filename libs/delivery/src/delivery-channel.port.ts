import type { TimelineEntry } from '@cmx/case-domain';

export const DELIVERY_CHANNEL = Symbol('DELIVERY_CHANNEL');

/** What a recipient receives: the timeline entry plus the case and the store position. */
export interface DeliveryPayload extends TimelineEntry {
  readonly caseId: string;
  readonly position: string;
}

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
