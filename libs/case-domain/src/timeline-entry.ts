import type { Evaluation, Handling, MessageType, Priority } from '@cmx/contracts';
import {
  isCaseProtectionEventType,
  PROTECTION_TYPE_NAMES,
  type CaseMessageData,
  type CaseMessageMetadata,
  type CaseProtectionData,
  type CaseProtectionEventType,
} from './case-events';

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

/** An erasure, a restriction or its lifting as the timeline and the feed show it. */
export interface ProtectionTimelineEntry {
  readonly caseVersion: number;
  readonly messageId: string;
  readonly type: (typeof PROTECTION_TYPE_NAMES)[CaseProtectionEventType];
  readonly sender: string;
  readonly receivedAt: string;
  readonly body: {
    readonly personRefs?: readonly string[];
    readonly wholeCase?: true;
    readonly reason: string;
    readonly legalBasis: string;
    readonly messageIds: readonly string[];
  };
}

export function protectionTimelineEntryOf(
  type: CaseProtectionEventType,
  data: CaseProtectionData,
  messageId: string,
  caseVersion: number,
): ProtectionTimelineEntry {
  return {
    caseVersion,
    messageId,
    type: PROTECTION_TYPE_NAMES[type],
    sender: data.requestedBy,
    receivedAt: data.receivedAt,
    body: {
      ...(data.wholeCase ? { wholeCase: true as const } : { personRefs: data.personRefs ?? [] }),
      reason: data.reason,
      legalBasis: data.legalBasis,
      messageIds: data.messageIds,
    },
  };
}

/** Any event of a case stream as the timeline shows it. */
export function anyTimelineEntryOf(event: {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly streamVersion: number;
}): TimelineEntry | ProtectionTimelineEntry {
  if (isCaseProtectionEventType(event.type)) {
    return protectionTimelineEntryOf(event.type, event.data as CaseProtectionData, (event.metadata as CaseMessageMetadata).messageId, event.streamVersion);
  }
  return timelineEntryOf(event.data as CaseMessageData, event.streamVersion);
}
