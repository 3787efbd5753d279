import { EventStoreClosedError } from './event-store.errors';

/**
 * The calls a store is running, so that closing can wait for them, and the
 * closing itself. Once closing has reached them, new calls are refused with
 * EventStoreClosedError.
 */
export class OperationsInFlight {
  private readonly running = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;
  private closed = false;

  /** Whether close() has been called. */
  get isClosing(): boolean {
    return this.closing !== undefined;
  }

  /** Whether new calls are refused. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Runs `operation` unless closed, and remembers it until it settles. */
  track<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new EventStoreClosedError());
    const running = operation();
    this.running.add(running);
    const forget = (): void => {
      this.running.delete(running);
    };
    running.then(forget, forget);
    return running;
  }

  /**
   * Closes once, however often it is called: runs `stopSubscriptions`
   * (letting running handlers finish, their calls included), then refuses new
   * calls and waits for the running ones, then runs `release` (closing the
   * connections).
   */
  close(stopSubscriptions: () => Promise<void>, release: () => Promise<void>): Promise<void> {
    this.closing ??= this.closeInOrder(stopSubscriptions, release);
    return this.closing;
  }

  private async closeInOrder(stopSubscriptions: () => Promise<void>, release: () => Promise<void>): Promise<void> {
    await stopSubscriptions();
    this.closed = true;
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running]);
    }
    await release();
  }
}
