import { CaseMessageMetadata, CaseProtectionData } from '@cmx/case-domain';
import type { Delivery, ErasureNoticePayload } from '@cmx/delivery';
import type { StoredEvent } from '@cmx/event-store';

/**
 * The notices of one case.erased event: one to every party that received any
 * of the messages it concerns (`receivedBy`: message id → parties), naming the
 * messages that party received, so that it can delete its copies.
 */
export function erasureNoticesOf(event: StoredEvent, receivedBy: ReadonlyMap<string, ReadonlySet<string>>): Delivery[] {
  const data = event.data as unknown as CaseProtectionData;
  const { messageId, caseId } = event.metadata as unknown as CaseMessageMetadata;
  const messagesByParty = new Map<string, string[]>();
  for (const concerned of data.messageIds) {
    for (const party of receivedBy.get(concerned) ?? []) {
      const messages = messagesByParty.get(party) ?? [];
      messages.push(concerned);
      messagesByParty.set(party, messages);
    }
  }
  return [...messagesByParty.keys()].sort().map((party) => {
    const payload: ErasureNoticePayload = {
      caseId,
      position: event.position,
      caseVersion: event.streamVersion,
      messageId,
      type: 'erasure.notice',
      sender: data.requestedBy,
      receivedAt: data.receivedAt,
      ...(data.wholeCase ? { wholeCase: true as const } : { personRefs: data.personRefs ?? [] }),
      messageIds: messagesByParty.get(party)!,
      erasedAt: data.receivedAt,
      reason: data.reason,
    };
    return { party, payload };
  });
}
