import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CHECKPOINT_STORE, CheckpointStore } from '@cmx/checkpoints';
import { DELIVERY_CHANNEL, DeliveryChannel } from '@cmx/delivery';
import { EVENT_STORE, EventStore, StoredEvent, Subscription } from '@cmx/event-store';
import { deliveriesOf } from './deliveries-of';

export const DISPATCHER_CHECKPOINT = 'dispatcher';
/** Events handed to the channel in one go; the buffer never holds more than twice this. */
const MAX_BATCH_EVENTS = 500;

/**
 * Follows the store from its checkpoint and hands each event's deliveries to
 * the channel, batch after batch, in position order. The checkpoint moves only
 * after the channel has acknowledged a batch, so a crash repeats deliveries
 * (each carries its message-id) but never skips one.
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Dispatcher.name);
  private subscription: Subscription | undefined;
  private buffer: StoredEvent[] = [];
  private flushes: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private delivered = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DELIVERY_CHANNEL) private readonly channel: DeliveryChannel,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const after = await this.checkpoints.load(DISPATCHER_CHECKPOINT);
    this.logger.log(`dispatching over ${this.channel.kind} from ${after === undefined ? 'the start' : `after position ${after}`}`);
    this.subscription = this.store.subscribe((event) => this.accept(event), { after, batchSize: MAX_BATCH_EVENTS });
    this.subscription.closed.catch((error: unknown) => this.fail(error));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
    await this.flush();
    await this.channel.close();
    await this.checkpoints.close();
  }

  /** Deliveries acknowledged by the channel since start. */
  deliveredCount(): number {
    return this.delivered;
  }

  private accept(event: StoredEvent): Promise<void> | undefined {
    this.buffer.push(event);
    if (this.buffer.length >= MAX_BATCH_EVENTS) return this.flush();
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush().catch((error: unknown) => this.fail(error));
      });
    }
    return undefined;
  }

  private flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length > 0) this.flushes = this.flushes.then(() => this.deliverBatch(batch));
    return this.flushes;
  }

  private async deliverBatch(batch: readonly StoredEvent[]): Promise<void> {
    const deliveries = batch.flatMap(deliveriesOf);
    await this.channel.deliver(deliveries);
    await this.checkpoints.save(DISPATCHER_CHECKPOINT, batch[batch.length - 1].position);
    this.delivered += deliveries.length;
  }

  /** A dispatcher that cannot deliver stops: its supervisor restarts it and it resumes from the checkpoint. */
  private fail(error: unknown): never {
    this.logger.error(`dispatching stopped: ${(error as Error)?.stack ?? String(error)}`);
    process.exit(1);
  }
}
