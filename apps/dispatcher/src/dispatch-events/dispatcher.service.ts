import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Delivery, DELIVERY_CHANNEL, DELIVERY_LEDGER, DeliveryChannel, DeliveryLedger } from '@cmx/delivery';
import { CaseProtectionData, isCaseProtectionEventType } from '@cmx/case-domain';
import { BatchedSubscription, EVENT_STORE, EventStore, StoredEvent } from '@cmx/event-store';
import { PARTY_DIRECTORY, PartyDirectory } from '@cmx/parties';
import { PERSONAL_DATA_VAULT, PersonalDataVault } from '@cmx/personal-data';
import { AuditTrail, CLOCK, Clock, DISPATCHER_LAG_SECTION, EngineProbes, errorText, ExchangeMetrics } from '@cmx/platform';
import { SubscriptionBook } from '../subscriptions/subscription-book';
import { deliveriesOf } from './deliveries-of';
import { disclosuresOf } from './disclosures-of';
import { erasureNoticesOf } from './erasure-notices-of';
import { openDeliveries } from './open-deliveries';

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
  /** The position of the last event whose deliveries are recorded. */
  private checkpoint: string | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DELIVERY_CHANNEL) private readonly channel: DeliveryChannel | null,
    @Inject(DELIVERY_LEDGER) private readonly ledger: DeliveryLedger,
    @Inject(PARTY_DIRECTORY) private readonly directory: PartyDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
    private readonly audit: AuditTrail,
    private readonly metrics: ExchangeMetrics,
    probes: EngineProbes,
  ) {
    probes.registerReport({ section: DISPATCHER_LAG_SECTION, name: channel?.kind ?? 'feed', read: () => this.lag() });
    if (channel?.kind === 'kafka') metrics.kafkaProduceErrorsTracked();
  }

  async onApplicationBootstrap(): Promise<void> {
    const after = await this.ledger.checkpoint();
    this.checkpoint = after;
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

  /** The position of the last event dispatched, and how long the oldest event not yet dispatched has waited (as a projection's lag). */
  async lag(): Promise<{ checkpoint: string | null; head: string | null; lagMs: number }> {
    const checkpoint = this.checkpoint;
    const [next] = await this.store.readAll({ after: checkpoint, limit: 1 });
    return {
      checkpoint: checkpoint ?? null,
      head: (await this.store.headPosition()) ?? null,
      lagMs: next ? Math.max(0, Date.now() - Date.parse(next.recordedAt)) : 0,
    };
  }

  /**
   * The ledger keeps each payload as the store holds it, sealed; the channel gets it opened for each recipient.
   * An erasure is applied to the keys before the batch is opened, so no record written after it holds its data.
   */
  private async deliverBatch(batch: readonly StoredEvent[]): Promise<void> {
    const deliveries: Delivery[] = [];
    for (const event of batch) {
      if (this.subscriptions.apply(event)) continue;
      if (isCaseProtectionEventType(event.type)) deliveries.push(...(await this.protect(event, deliveries)));
      else deliveries.push(...deliveriesOf(event, this.subscriptions));
    }
    if (this.channel) {
      const keys = await this.vault.caseKeysOf(deliveries.map((delivery) => delivery.payload.caseId));
      await this.channel.deliver(openDeliveries(deliveries, keys)).catch((error: unknown) => {
        if (this.channel?.kind === 'kafka') this.metrics.kafkaProduceFailed();
        throw error;
      });
    }
    const channel = this.channel?.kind ?? 'feed';
    await this.ledger.record({
      deliveries,
      channel,
      disclosures: this.audit.enabled ? disclosuresOf(deliveries, channel) : [],
      deliveredAt: this.clock.now().toISOString(),
      checkpoint: batch[batch.length - 1].position,
    });
    this.delivered += deliveries.length;
    this.checkpoint = batch[batch.length - 1].position;
  }

  /** Applies the event to the keys (again, if the gateway did) and makes an erasure's notices: to whoever received a message it concerns, in the ledger or earlier in this batch. */
  private async protect(event: StoredEvent, earlierInBatch: readonly Delivery[]): Promise<Delivery[]> {
    await this.vault.applyProtection(event);
    if (event.type !== 'CaseErased') return [];
    const data = event.data as unknown as CaseProtectionData;
    const concerned = new Set(data.messageIds);
    const receivedBy = new Map<string, Set<string>>();
    const received = (messageId: string, party: string) => receivedBy.set(messageId, (receivedBy.get(messageId) ?? new Set()).add(party));
    for (const [messageId, recipients] of await this.ledger.recipientsOf(data.messageIds)) recipients.forEach(({ party }) => received(messageId, party));
    for (const { party, payload } of earlierInBatch) if (concerned.has(payload.messageId.toLowerCase())) received(payload.messageId.toLowerCase(), party);
    return erasureNoticesOf(event, receivedBy);
  }

  /** A dispatcher that cannot deliver stops: its supervisor restarts it and it resumes from the checkpoint. */
  private fail(error: unknown): never {
    this.logger.error(`dispatching stopped: ${errorText(error)}`);
    process.exit(1);
  }
}
