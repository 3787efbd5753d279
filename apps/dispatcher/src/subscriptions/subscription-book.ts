import type { EventStore, StoredEvent } from '@cmx/event-store';
import { SUBSCRIPTION_CHANGED, SubscriptionChangedData, subscriptionStreamName } from './subscription-events';
import { DEFAULT_FILTERS, SubscriptionFilter } from './subscription-filter';

/**
 * Each party's filters as of the dispatcher's place in the store. Changes are
 * events, applied in store order as the dispatcher meets them, so a change
 * holds from the next delivery on and a replay filters exactly as the first run did.
 */
export class SubscriptionBook {
  private readonly filtersByParty = new Map<string, readonly SubscriptionFilter[]>();

  /** The filters in force just after `position` (the dispatcher's checkpoint); the defaults when undefined. */
  static async asOf(store: EventStore, parties: readonly string[], position: string | undefined): Promise<SubscriptionBook> {
    const book = new SubscriptionBook();
    if (position === undefined) return book;
    const limit = BigInt(position);
    for (const party of parties) {
      const changes = await store.readStream(subscriptionStreamName(party));
      changes.filter((event) => BigInt(event.position) <= limit).forEach((event) => book.apply(event));
    }
    return book;
  }

  filtersOf(party: string): readonly SubscriptionFilter[] {
    return this.filtersByParty.get(party) ?? DEFAULT_FILTERS;
  }

  /** Takes a SubscriptionChanged event into account; says whether the event was one. */
  apply(event: StoredEvent): boolean {
    if (event.type !== SUBSCRIPTION_CHANGED) return false;
    const { party, filters } = event.data as unknown as SubscriptionChangedData;
    this.filtersByParty.set(party, filters);
    return true;
  }
}
