/**
 * A later event of a multi-event append carries an id that is already stored
 * (or that appears twice in the same append). Nothing of that append was
 * written. Only the first event's id is an idempotency key (see `duplicate`).
 */
export class EventIdCollisionError extends Error {
  override readonly name = 'EventIdCollisionError';

  constructor(
    readonly streamName: string,
    readonly eventId: string,
  ) {
    super(`append to ${streamName} rejected: event id ${eventId} is already used`);
  }
}

/** The store was closed; it accepts no more calls. */
export class EventStoreClosedError extends Error {
  override readonly name = 'EventStoreClosedError';

  constructor() {
    super('the event store is closed');
  }
}
