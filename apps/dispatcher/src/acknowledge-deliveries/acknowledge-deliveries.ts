import { Inject, Injectable } from '@nestjs/common';
import { DELIVERY_LEDGER, DeliveryLedger } from '@cmx/delivery';
import { UnknownDeliveries } from '@cmx/errors';
import { CLOCK, Clock } from '@cmx/platform';
import { Acknowledgement } from './parse-acknowledgement';

export interface AcknowledgementReceipt {
  /** Deliveries acknowledged by this call; those acknowledged before keep their first time. */
  readonly acknowledged: number;
  readonly acknowledgedAt: string;
}

/**
 * A party acknowledges what it received: feed readers up to a cursor, Kafka
 * consumers by message id. Either all of it is acknowledged or, when a
 * message id was never delivered to the caller, none of it.
 */
@Injectable()
export class AcknowledgeDeliveries {
  constructor(
    @Inject(DELIVERY_LEDGER) private readonly ledger: DeliveryLedger,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async acknowledge(party: string, acknowledgement: Acknowledgement): Promise<AcknowledgementReceipt> {
    const acknowledgedAt = this.clock.now().toISOString();
    if ('cursor' in acknowledgement) {
      return { acknowledged: await this.ledger.acknowledgeThrough(party, acknowledgement.cursor, acknowledgedAt), acknowledgedAt };
    }
    const { messageIds } = acknowledgement;
    const recipients = await this.ledger.recipientsOf(messageIds);
    const unknown = messageIds.filter((id) => !recipients.get(id)?.some((recipient) => recipient.party === party));
    if (unknown.length > 0) throw new UnknownDeliveries(unknown);
    const { acknowledged } = await this.ledger.acknowledgeMessages(party, messageIds, acknowledgedAt);
    return { acknowledged, acknowledgedAt };
  }
}
