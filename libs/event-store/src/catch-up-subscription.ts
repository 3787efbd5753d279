import { EventEmitter } from 'node:events';
import { positiveInteger } from './argument-checks';
import type { EventHandler, StoredEvent, SubscribeOptions, Subscription } from './event-store.port';

/** Tells a subscription that new events may have been committed. */
export interface CommitSignal {
  /** Changes with every commit this signal knows of. Read before a read, compared after it. */
  commitCount(): number;
  /** Calls `listener` once at the next commit; returns a function that cancels the call. */
  onNextCommit(listener: () => void): () => void;
}

export interface CatchUpSubscriptionOptions {
  /** Events strictly after this position, in position order, at most `limit`. */
  readonly readPage: (after: string | undefined, limit: number) => Promise<StoredEvent[]>;
  readonly commitSignal: CommitSignal;
  readonly handler: EventHandler;
  readonly after: string | undefined;
  readonly batchSize: number;
  /** How long to wait for a commit signal before reading again anyway (commits by other processes send none). */
  readonly pollIntervalMs: number;
  /** Called once the subscription has ended, whatever the reason. */
  readonly onEnd?: () => void;
}

/**
 * Reads pages after the last delivered position and hands them to the handler
 * one event at a time; when a read comes back empty it sleeps until the commit
 * signal fires or the poll interval passes. The position only advances after
 * the handler settled, so there is neither gap nor repeat.
 */
export class CatchUpSubscription implements Subscription {
  readonly closed: Promise<void>;
  private readonly finished: Promise<void>;
  private stopRequested = false;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly options: CatchUpSubscriptionOptions) {
    let markFinished!: () => void;
    this.finished = new Promise<void>((resolve) => (markFinished = resolve));
    // `closed` is left unhandled on purpose: a subscription that dies unobserved must not stall silently.
    this.closed = this.run().finally(() => {
      markFinished();
      options.onEnd?.();
    });
  }

  stop(): Promise<void> {
    this.stopRequested = true;
    this.wakeUp?.();
    return this.finished;
  }

  private async run(): Promise<void> {
    const { readPage, commitSignal, handler, batchSize } = this.options;
    let lastDelivered = this.options.after;
    // The first handler call must not happen inside subscribe() itself.
    await Promise.resolve();
    while (!this.stopRequested) {
      const commitCountBeforeRead = commitSignal.commitCount();
      const page = await readPage(lastDelivered, batchSize);
      if (page.length === 0) {
        await this.sleepUntilCommitAfter(commitCountBeforeRead);
        continue;
      }
      for (const event of page) {
        if (this.stopRequested) return;
        await handler(event);
        lastDelivered = event.position;
      }
    }
  }

  private sleepUntilCommitAfter(seenCommitCount: number): Promise<void> {
    const { commitSignal, pollIntervalMs } = this.options;
    return new Promise<void>((resolve) => {
      if (this.stopRequested || commitSignal.commitCount() !== seenCommitCount) {
        resolve();
        return;
      }
      const wake = (): void => {
        clearTimeout(pollTimer);
        cancelCommitListener();
        this.wakeUp = undefined;
        resolve();
      };
      const pollTimer = setTimeout(wake, pollIntervalMs);
      const cancelCommitListener = commitSignal.onNextCommit(wake);
      this.wakeUp = wake;
    });
  }
}

export interface CatchUpSubscriptionsOptions {
  /** How often an idle subscription reads anyway. Default 250. */
  readonly subscriptionPollIntervalMs?: number;
  /** Events per read while a subscription catches up, unless it asks otherwise. Default 256. */
  readonly defaultSubscriptionBatchSize?: number;
}

const COMMITTED = 'committed';

/**
 * The catch-up subscriptions of one store, all woken by its commit signal:
 * the store calls signalCommit() after each commit it makes or learns of.
 */
export class CatchUpSubscriptions {
  readonly pollIntervalMs: number;
  private readonly defaultBatchSize: number;
  private readonly running = new Set<CatchUpSubscription>();
  private readonly commits = new EventEmitter().setMaxListeners(0);
  private commitCount = 0;
  private readonly commitSignal: CommitSignal = {
    commitCount: () => this.commitCount,
    onNextCommit: (listener) => {
      this.commits.once(COMMITTED, listener);
      return () => this.commits.off(COMMITTED, listener);
    },
  };

  constructor(options: CatchUpSubscriptionsOptions) {
    this.pollIntervalMs = positiveInteger(options.subscriptionPollIntervalMs ?? 250, 'subscriptionPollIntervalMs');
    this.defaultBatchSize = positiveInteger(options.defaultSubscriptionBatchSize ?? 256, 'defaultSubscriptionBatchSize');
  }

  /** Starts a subscription that reads with `readPage`; the store has checked `options.after` already. */
  subscribe(handler: EventHandler, options: SubscribeOptions, readPage: CatchUpSubscriptionOptions['readPage']): Subscription {
    const subscription = new CatchUpSubscription({
      readPage,
      commitSignal: this.commitSignal,
      handler,
      after: options.after,
      batchSize: positiveInteger(options.batchSize ?? this.defaultBatchSize, 'batchSize'),
      pollIntervalMs: this.pollIntervalMs,
      onEnd: () => this.running.delete(subscription),
    });
    this.running.add(subscription);
    return subscription;
  }

  signalCommit(): void {
    this.commitCount += 1;
    this.commits.emit(COMMITTED);
  }

  /** Stops every subscription, letting running handlers finish. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((subscription) => subscription.stop()));
  }
}
