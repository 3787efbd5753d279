import type { AuditChannel, AuditRecord } from '@cmx/audit';
import type { Delivery } from '@cmx/delivery';

/**
 * The audit log's `disclose` entries of a batch: one per delivered message,
 * naming every party it went to. The acting party is the sender whose
 * distribution the exchange carried out; no API key made the call.
 */
export function disclosuresOf(deliveries: readonly Delivery[], channel: AuditChannel): AuditRecord[] {
  const byPosition = new Map<string, { payload: Delivery['payload']; recipients: string[] }>();
  for (const { party, payload } of deliveries) {
    const disclosed = byPosition.get(payload.position);
    if (disclosed) disclosed.recipients.push(party);
    else byPosition.set(payload.position, { payload, recipients: [party] });
  }
  return [...byPosition.values()].map(({ payload, recipients }) => ({
    operation: 'disclose',
    party: payload.sender,
    keyId: null,
    onBehalfOf: null,
    purpose: null,
    channel,
    cases: [{ caseId: payload.caseId, messageIds: [payload.messageId] }],
    recipients,
    requestId: null,
  }));
}
