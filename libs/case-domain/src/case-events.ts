import type { CmfMessage, MessageType } from '@cmx/contracts';
import type { CaseFacets } from './case-facets';

export const CASE_EVENT_TYPE_BY_MESSAGE_TYPE = {
  'case.opened': 'CaseOpened',
  'case.updated': 'CaseUpdated',
  'case.linked': 'CaseLinked',
  'case.assigned': 'CaseAssigned',
  'interception.reported': 'InterceptionReported',
  'information.requested': 'InformationRequested',
  'information.provided': 'InformationProvided',
  'case.closed': 'CaseClosed',
} as const satisfies Record<MessageType, string>;

export type CaseEventType = (typeof CASE_EVENT_TYPE_BY_MESSAGE_TYPE)[MessageType];

export const CASE_EVENT_TYPES: readonly CaseEventType[] = Object.values(CASE_EVENT_TYPE_BY_MESSAGE_TYPE);

export interface CaseMessageData {
  readonly message: CmfMessage;
  readonly receivedAt: string;
  /** Every party entitled to this message, resolved at acceptance; always holds the sender. Sorted. */
  readonly entitledParties: readonly string[];
  /**
   * The case's facets once this message is accepted (its own and every earlier
   * message's), resolved at acceptance like the entitlement so that a replay
   * matches subscriptions the same way. Absent on events stored before facets existed.
   */
  readonly caseFacets?: CaseFacets;
}

export interface CaseMessageMetadata {
  readonly messageId: string;
  readonly caseId: string;
  readonly sender: string;
}

/** One accepted CMF/1 message. The event's id is the message id. */
export interface CaseEvent {
  readonly type: CaseEventType;
  readonly data: CaseMessageData;
  readonly metadata: CaseMessageMetadata;
}

export const caseStreamName = (caseId: string): string => `case-${caseId}`;

export const isCaseEventType = (type: string): type is CaseEventType =>
  (CASE_EVENT_TYPES as readonly string[]).includes(type);

export const isEntitled = (data: CaseMessageData, party: string): boolean => data.entitledParties.includes(party);
