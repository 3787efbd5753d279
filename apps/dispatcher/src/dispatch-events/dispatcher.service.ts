import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Delivery, DELIVERY_CHANNEL, DELIVERY_LEDGER, DeliveryChannel, DeliveryLedger } from '@cmx/delivery';
import { BatchedSubscription, EVENT_STORE, EventStore, StoredEvent } from '@cmx/event-store';
import { PARTY_DIRECTORY, PartyDirectory } from '@cmx/parties';
import { AuditTrail, CLOCK, Clock } from '@cmx/platform';
import { SubscriptionBook } from '../subscriptions/subscription-book';
import { deliveriesOf } from './deliveries-of';
import { disclosuresOf } from './disclosures-of';

/** Events handed to the channel in one go. */
const MAX_BATCH_EVENTS = 500;

/**
 * Follows the store from its checkpoint and makes each event's deliveries,
 * batch after batch, in position order: pushed to Kafka when that is the
 * channel, then recorded in the ledger (the parties' feed and the senders'
 * receipts) together with the checkpoint. The checkpoint moves only after
 * the channel has acknowledged a batch, so a crash repeats Kafka deliveries
 * (each carries its message-id) but never skips one; the ledger keeps the
 * first record of a repeated delivery.
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Dispatcher.name);
  private subscription: BatchedSubscription | undefined;
  private delivered = 0;
  private subscriptions = new SubscriptionBook();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DELIVERY_CHANNEL) private readonly channel: DeliveryChannel | null,
    @Inject(DELIVERY_LEDGER) private readonly ledger: DeliveryLedger,
    @Inject(PARTY_DIRECTORY) private readonly directory: PartyDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly audit: AuditTrail,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const after = await this.ledger.checkpoint();
    this.subscriptions = await SubscriptionBook.asOf(this.store, this.directory.allPartyCodes(), after);
    this.logger.log(`dispatching over ${this.channel?.kind ?? 'feed'} from ${after === undefined ? 'the start' : `after position ${after}`}`);
    this.subscription = new BatchedSubscription(this.store, (batch) => this.deliverBatch(batch), {
      after,
      maxBatch: MAX_BATCH_EVENTS,
      onError: (error) => this.fail(error),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
    await this.channel?.close();
  }

  /** Deliveries acknowledged by the channel since start. */
  deliveredCount(): number {
    return this.delivered;
  }

  private async deliverBatch(batch: readonly StoredEvent[]): Promise<void> {
    const deliveries: Delivery[] = [];
    for (const event of batch) {
      if (!this.subscriptions.apply(event)) deliveries.push(...deliveriesOf(event, this.subscriptions));
    }
    if (this.channel) await this.channel.deliver(deliveries);
    const channel = this.channel?.kind ?? 'feed';
    await this.ledger.record({
      deliveries,
      channel,
      disclosures: this.audit.enabled ? disclosuresOf(deliveries, channel) : [],
      deliveredAt: this.clock.now().toISOString(),
      checkpoint: batch[batch.length - 1].position,
    });
    this.delivered += deliveries.length;
  }

  /** A dispatcher that cannot deliver stops: its supervisor restarts it and it resumes from the checkpoint. */
  private fail(error: unknown): never {
    this.logger.error(`dispatching stopped: ${(error as Error)?.stack ?? String(error)}`);
    process.exit(1);
  }
}
