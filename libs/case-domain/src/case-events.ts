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
  /** This message's documents without a holderRef whose holder an earlier message named (document ref → person ref): sealed under that person's key. */
  readonly documentHolders?: Readonly<Record<string, string>>;
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

export const isCaseEventType = (type: string): type is CaseEventType => (CASE_EVENT_TYPES as readonly string[]).includes(type);

export const isEntitled = (data: CaseMessageData, party: string): boolean => data.entitledParties.includes(party);

/** Events of a case stream that are no CMF/1 message: an erasure, a restriction, or its lifting (POST /v1/cases/{id}/erasures). */
export const CASE_PROTECTION_EVENT_TYPES = ['CaseErased', 'CaseRestricted', 'CaseRestrictionLifted'] as const;
export type CaseProtectionEventType = (typeof CASE_PROTECTION_EVENT_TYPES)[number];

/** The timeline's and the feed's name of each protection event. */
export const PROTECTION_TYPE_NAMES = {
  CaseErased: 'case.erased',
  CaseRestricted: 'case.restricted',
  CaseRestrictionLifted: 'case.restriction_lifted',
} as const satisfies Record<CaseProtectionEventType, string>;

export type ProtectionKind = 'erase' | 'restrict' | 'lift';

export const PROTECTION_EVENT_TYPE_BY_KIND = {
  erase: 'CaseErased',
  restrict: 'CaseRestricted',
  lift: 'CaseRestrictionLifted',
} as const satisfies Record<ProtectionKind, CaseProtectionEventType>;

export const PROTECTION_KIND_BY_EVENT_TYPE = {
  CaseErased: 'erase',
  CaseRestricted: 'restrict',
  CaseRestrictionLifted: 'lift',
} as const satisfies Record<CaseProtectionEventType, ProtectionKind>;

export interface CaseProtectionData {
  /** The persons concerned: those named, or every person of the case when the whole case is concerned. */
  readonly personRefs?: readonly string[];
  /** The whole case: its free text too, and (for an erasure) every person it will ever name. */
  readonly wholeCase?: true;
  readonly reason: string;
  readonly legalBasis: string;
  /** The party that asked: the case's owner or an admin. */
  readonly requestedBy: string;
  readonly owner: string;
  readonly receivedAt: string;
  /** Every message of the case that holds data of what is concerned, in case order. */
  readonly messageIds: readonly string[];
  /** Who sees the event on the timeline: the owner, the requester and every party entitled to a message concerned. Sorted. */
  readonly entitledParties: readonly string[];
}

export interface CaseProtectionEvent {
  readonly type: CaseProtectionEventType;
  readonly data: CaseProtectionData;
  readonly metadata: CaseMessageMetadata;
}

export type AnyCaseEvent = CaseEvent | CaseProtectionEvent;

export const isCaseProtectionEventType = (type: string): type is CaseProtectionEventType => (CASE_PROTECTION_EVENT_TYPES as readonly string[]).includes(type);

/** Whether a stored event belongs to a case stream (a message or a protection event). */
export const isAnyCaseEventType = (type: string): type is CaseEventType | CaseProtectionEventType => isCaseEventType(type) || isCaseProtectionEventType(type);
