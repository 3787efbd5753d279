import { CaseMessageMetadata, CaseProtectionData } from '@cmx/case-domain';
import type { Delivery, ErasureNoticePayload } from '@cmx/delivery';
import type { StoredEvent } from '@cmx/event-store';

/**
 * The notices of one case.erased event: one to every party that received any
 * of the messages it concerns (`receivedBy`: message id → parties). Each names
 * every message concerned (the ledger keeps one payload per position, and the
 * feed and Kafka carry the same one); a party deletes the copies it holds.
 */
export function erasureNoticesOf(event: StoredEvent, receivedBy: ReadonlyMap<string, ReadonlySet<string>>): Delivery[] {
  const data = event.data as unknown as CaseProtectionData;
  const { messageId, caseId } = event.metadata as unknown as CaseMessageMetadata;
  const parties = new Set<string>();
  for (const concerned of data.messageIds) for (const party of receivedBy.get(concerned) ?? []) parties.add(party);
  if (parties.size === 0) return [];
  const payload: ErasureNoticePayload = {
    caseId,
    position: event.position,
    caseVersion: event.streamVersion,
    messageId,
    type: 'erasure.notice',
    sender: data.requestedBy,
    receivedAt: data.receivedAt,
    ...(data.wholeCase ? { wholeCase: true as const } : { personRefs: data.personRefs ?? [] }),
    messageIds: data.messageIds,
    erasedAt: data.receivedAt,
    reason: data.reason,
  };
  return [...parties].sort().map((party) => ({ party, payload }));
}
