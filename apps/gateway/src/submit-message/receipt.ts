import type { CaseMessageData, CaseMessageMetadata } from '@cmx/case-domain';
import type { StoredEvent } from '@cmx/event-store';

export interface Receipt {
  readonly messageId: string;
  readonly caseId: string;
  readonly caseVersion: number;
  readonly position: string;
  readonly receivedAt: string;
}

export function receiptOf(event: StoredEvent): Receipt {
  const metadata = event.metadata as unknown as CaseMessageMetadata;
  return {
    messageId: metadata.messageId,
    caseId: metadata.caseId,
    caseVersion: event.streamVersion,
    position: event.position,
    receivedAt: (event.data as unknown as CaseMessageData).receivedAt,
  };
}
