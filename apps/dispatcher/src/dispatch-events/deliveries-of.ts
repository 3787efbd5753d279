import { CaseMessageData, isCaseEventType, timelineEntryOf } from '@cmx/case-domain';
import type { Delivery } from '@cmx/delivery';
import type { StoredEvent } from '@cmx/event-store';
import type { SubscriptionBook } from '../subscriptions/subscription-book';
import { factsOf, matchesSubscription } from '../subscriptions/subscription-filter';

/**
 * The deliveries one stored event makes, whatever the channel: one per party
 * entitled to the message (resolved and stored when it was accepted) whose
 * subscription matches it, the sender excepted. Events that are not case
 * messages make none.
 */
export function deliveriesOf(event: StoredEvent, subscriptions: SubscriptionBook): Delivery[] {
  if (!isCaseEventType(event.type)) return [];
  const data = event.data as unknown as CaseMessageData;
  const sender = data.message.header.sender;
  const facts = factsOf(data);
  const recipients = data.entitledParties.filter((party) => party !== sender && matchesSubscription(subscriptions.filtersOf(party), facts));
  if (recipients.length === 0) return [];
  const payload = { caseId: data.message.header.caseId, position: event.position, ...timelineEntryOf(data, event.streamVersion) };
  return recipients.map((party) => ({ party, payload }));
}
