import type { EventStore, StoredEvent } from './event-store.port';

export interface BatchedSubscriptionOptions {
  /** Deliver events strictly after this position; omitted means from the start. */
  readonly after?: string;
  /** The most events in one batch; the buffer never holds more than twice this. */
  readonly maxBatch: number;
  /** Called once when a batch fails or the store's subscription ends with an error; nothing more is handled after it. */
  readonly onError: (error: unknown) => void;
}

/**
 * Follows the store and hands its events to `handleBatch` in batches, in
 * position order, one batch at a time: a batch is as large as what arrived
 * while the previous one was handled, up to `maxBatch`. A consumer that keeps
 * a checkpoint saves it after each batch.
 */
export class BatchedSubscription {
  private readonly subscription;
  private buffer: StoredEvent[] = [];
  private handled: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private failed = false;

  constructor(
    store: EventStore,
    private readonly handleBatch: (batch: readonly StoredEvent[]) => Promise<void>,
    private readonly options: BatchedSubscriptionOptions,
  ) {
    this.subscription = store.subscribe((event) => this.accept(event), { after: options.after, batchSize: options.maxBatch });
    this.subscription.closed.catch((error: unknown) => this.fail(error));
  }

  /** Stops following the store and hands over what is buffered. */
  async stop(): Promise<void> {
    await this.subscription.stop();
    await this.flush();
  }

  private accept(event: StoredEvent): Promise<void> | undefined {
    this.buffer.push(event);
    if (this.buffer.length >= this.options.maxBatch) return this.flush();
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
    if (batch.length > 0 && !this.failed) this.handled = this.handled.then(() => this.handleBatch(batch));
    return this.handled;
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.options.onError(error);
  }
}
