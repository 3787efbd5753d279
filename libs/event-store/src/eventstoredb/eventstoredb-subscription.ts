import {
  excludeSystemEvents,
  START,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
  type Position,
} from '@eventstore/db-client';
import type { EventHandler, Subscription } from '../event-store.port';
import { allPositionOf, comparePositions, isExchangeEvent, positionOf, toStoredEvent } from './eventstoredb-codec';

export interface EventStoreDbSubscriptionOptions {
  readonly client: EventStoreDBClient;
  readonly handler: EventHandler;
  /** Deliver events strictly after this position; undefined means from the start of `$all`. */
  readonly after: bigint | undefined;
  readonly idIndexStreamPrefix: string;
  /** Called once the subscription has ended, whatever the reason. */
  readonly onEnd: () => void;
}

const STOP = Symbol('stop');

/**
 * A catch-up subscription to `$all` (`subscribeToAll`): the server reads from
 * the position, then switches to live events by itself. System events are
 * filtered out on the server (`excludeSystemEvents()`, an event-type regex)
 * and again here by stream name, with the rule readAll uses.
 *
 * Events come through an async iterator over the client's stream, one at a
 * time: the next one is not taken before the handler settled, and the
 * client's stream applies back-pressure to the gRPC call meanwhile. The
 * caller keeps the checkpoint (the `after` of its next subscription).
 */
export class EventStoreDbSubscription implements Subscription {
  readonly closed: Promise<void>;
  private readonly finished: Promise<void>;
  private stopRequested = false;
  private readonly stopSignal: Promise<typeof STOP>;
  private signalStop!: () => void;

  constructor(private readonly options: EventStoreDbSubscriptionOptions) {
    this.stopSignal = new Promise((resolve) => (this.signalStop = () => resolve(STOP)));
    let markFinished!: () => void;
    this.finished = new Promise<void>((resolve) => (markFinished = resolve));
    // `closed` is left unhandled on purpose: a subscription that dies unobserved must not stall silently.
    this.closed = this.run().finally(() => {
      markFinished();
      options.onEnd();
    });
  }

  stop(): Promise<void> {
    this.stopRequested = true;
    this.signalStop();
    return this.finished;
  }

  private async run(): Promise<void> {
    // The first handler call must not happen inside subscribe() itself.
    await Promise.resolve();
    if (this.stopRequested) return;
    const { client, handler, idIndexStreamPrefix } = this.options;
    let cursor: Position | undefined = this.options.after === undefined ? undefined : allPositionOf(this.options.after);
    const source: AllStreamSubscription = client.subscribeToAll({
      fromPosition: cursor ?? START,
      resolveLinkTos: false,
      filter: excludeSystemEvents(),
    });
    // Errors reach the iterator below; this listener only keeps a late one (after we let go) from being unhandled.
    source.on('error', () => undefined);
    const iterator = source[Symbol.asyncIterator]();
    try {
      for (;;) {
        if (this.stopRequested) return;
        const next = iterator.next();
        // Whichever way this read ends once we stopped listening, it must not surface as an unhandled rejection.
        next.catch(() => undefined);
        const result = await Promise.race([this.stopSignal, next]);
        if (result === STOP) return;
        if (result.done) {
          if (this.stopRequested) return;
          throw new Error('the EventStoreDB $all subscription ended unexpectedly');
        }
        const event = (result.value as AllStreamResolvedEvent).event;
        if (!event) continue;
        // fromPosition may be inclusive; positions at or before the checkpoint were delivered already.
        const position = positionOf(event);
        if (cursor !== undefined && comparePositions(position, cursor) <= 0) continue;
        cursor = position;
        if (!isExchangeEvent(event.streamId, event.type, idIndexStreamPrefix)) continue;
        const stored = toStoredEvent(event);
        if (this.stopRequested) return;
        await handler(stored);
      }
    } finally {
      await source.unsubscribe().catch(() => undefined);
      source.destroy();
    }
  }
}
