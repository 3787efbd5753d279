import type { Delivery, MessagePayload } from '@cmx/delivery';
import { keyAccess, openBody, type CaseKeys } from '@cmx/personal-data';

/**
 * The deliveries as the channel carries them: each message's persons opened for its recipient (erased ones, and
 * restricted ones for every recipient but the case's owner, as placeholders). A message is opened at most twice,
 * for the owner and for the others, and recipients of the same view share one payload.
 */
export function openDeliveries(deliveries: readonly Delivery[], keys: ReadonlyMap<string, CaseKeys>): Delivery[] {
  const opened = new Map<Delivery['payload'], { owner?: Delivery['payload']; others?: Delivery['payload'] }>();
  return deliveries.map((delivery) => {
    const { party, payload } = delivery;
    if (payload.type === 'erasure.notice') return delivery;
    const caseKeys = keys.get(payload.caseId);
    const view = caseKeys?.owner === party ? 'owner' : 'others';
    const views = opened.get(payload) ?? {};
    opened.set(payload, views);
    views[view] ??= openedPayload(payload, caseKeys, party);
    return views[view] === payload ? delivery : { party, payload: views[view]! };
  });
}

function openedPayload(payload: MessagePayload, caseKeys: CaseKeys | undefined, reader: string): MessagePayload {
  const body = openBody(payload.caseId, payload.body, keyAccess(caseKeys, { reader }));
  return body === payload.body ? payload : { ...payload, body };
}
