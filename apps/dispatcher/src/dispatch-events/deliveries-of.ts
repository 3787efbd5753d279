import { CaseMessageData, isCaseEventType, timelineEntryOf } from '@cmx/case-domain';
import type { Delivery } from '@cmx/delivery';
import type { StoredEvent } from '@cmx/event-store';

/**
 * The deliveries one stored event makes: one per party entitled to the
 * message (resolved and stored when it was accepted), the sender excepted.
 * Events that are not case messages make none.
 */
export function deliveriesOf(event: StoredEvent): Delivery[] {
  if (!isCaseEventType(event.type)) return [];
  const data = event.data as unknown as CaseMessageData;
  const sender = data.message.header.sender;
  const payload = { caseId: data.message.header.caseId, position: event.position, ...timelineEntryOf(data, event.streamVersion) };
  return data.entitledParties.filter((party) => party !== sender).map((party) => ({ party, payload }));
}
