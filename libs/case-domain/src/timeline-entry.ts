import type { Evaluation, Handling, MessageType, Priority } from '@cmx/contracts';
import type { CaseMessageData } from './case-events';

/** One message of a case as coordinators and recipients see it. */
export interface TimelineEntry {
  readonly caseVersion: number;
  readonly messageId: string;
  readonly type: MessageType;
  readonly sender: string;
  readonly sentAt: string;
  readonly receivedAt: string;
  readonly priority: Priority;
  readonly handling: Handling;
  readonly evaluation: Evaluation;
  readonly body: unknown;
}

export function timelineEntryOf(data: CaseMessageData, caseVersion: number): TimelineEntry {
  const { message, receivedAt } = data;
  const { header } = message;
  return {
    caseVersion,
    messageId: header.messageId,
    type: header.type,
    sender: header.sender,
    sentAt: header.sentAt,
    receivedAt,
    priority: header.priority,
    handling: header.handling,
    evaluation: header.evaluation,
    body: message.body,
  };
}
