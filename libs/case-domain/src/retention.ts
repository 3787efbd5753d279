import type { AnyCaseEvent } from './case-events';
import type { ProtectCase } from './decide';

/**
 * Retention (DESIGN.md "Erasure and retention"): a case is due for review
 * `reviewDays` after its last message, and is erased whole `deleteDays` after
 * its last case report (case.opened or case.updated: the reports that set the
 * case's content or extend it). Other messages (an interception, a request,
 * information provided…) keep a case under review but do not extend its
 * deletion date; erasures and restrictions are no activity at all.
 */
export interface RetentionPolicy {
  readonly reviewDays: number;
  readonly deleteDays: number;
}

/** What retention needs of a case, folded from its stored events (messages and protection events). */
export interface CaseRetention {
  /** The sender of case.opened; undefined before it. */
  readonly owner: string | undefined;
  /** The receivedAt of the case's last message. */
  readonly lastActivityAt: string | undefined;
  /** The receivedAt of the case's last case.opened or case.updated. */
  readonly lastReportAt: string | undefined;
  readonly wholeCaseErased: boolean;
  /** The number of events folded: the case's version, the expected version of the next append. */
  readonly version: number;
}

export const initialCaseRetention: CaseRetention = {
  owner: undefined,
  lastActivityAt: undefined,
  lastReportAt: undefined,
  wholeCaseErased: false,
  version: 0,
};

/** The party the retention sweep acts as: it is no party of the parties file, and holds no API key. */
export const RETENTION_PARTY = 'CMX-RETENTION';

const DAY_MS = 86_400_000;

export function evolveRetention(state: CaseRetention, event: AnyCaseEvent): CaseRetention {
  const version = state.version + 1;
  switch (event.type) {
    case 'CaseErased':
      return { ...state, version, wholeCaseErased: state.wholeCaseErased || event.data.wholeCase === true };
    case 'CaseRestricted':
    case 'CaseRestrictionLifted':
      return { ...state, version };
    case 'CaseOpened':
      return { ...state, version, owner: event.data.message.header.sender, lastActivityAt: event.data.receivedAt, lastReportAt: event.data.receivedAt };
    case 'CaseUpdated':
      return { ...state, version, lastActivityAt: event.data.receivedAt, lastReportAt: event.data.receivedAt };
    default:
      return { ...state, version, lastActivityAt: event.data.receivedAt };
  }
}

/** A case's retention from its events, in case order. */
export function retentionOf(events: Iterable<AnyCaseEvent>): CaseRetention {
  let state = initialCaseRetention;
  for (const event of events) state = evolveRetention(state, event);
  return state;
}

const plusDays = (time: string | undefined, days: number): string | undefined =>
  time === undefined ? undefined : new Date(Date.parse(time) + days * DAY_MS).toISOString();

/** When the case is to be reviewed: its last message's receivedAt + reviewDays; undefined for a case with no message. */
export const reviewDueAt = (state: Pick<CaseRetention, 'lastActivityAt'>, policy: Pick<RetentionPolicy, 'reviewDays'>): string | undefined =>
  plusDays(state.lastActivityAt, policy.reviewDays);

/** When the case is to be erased whole: its last case report's receivedAt + deleteDays; undefined for a case with no report. */
export const deleteDueAt = (state: Pick<CaseRetention, 'lastReportAt'>, policy: Pick<RetentionPolicy, 'deleteDays'>): string | undefined =>
  plusDays(state.lastReportAt, policy.deleteDays);

/** Whether `now` is at or past the review date (a case erased whole is reviewed no more). */
export function isReviewDue(state: CaseRetention, policy: Pick<RetentionPolicy, 'reviewDays'>, now: Date): boolean {
  const due = reviewDueAt(state, policy);
  return !state.wholeCaseErased && due !== undefined && Date.parse(due) <= now.getTime();
}

/** Whether `now` is at or past the deletion date of a case not erased whole yet: the sweep erases it. */
export function isDeletionDue(state: CaseRetention, policy: Pick<RetentionPolicy, 'deleteDays'>, now: Date): boolean {
  const due = deleteDueAt(state, policy);
  return !state.wholeCaseErased && due !== undefined && Date.parse(due) <= now.getTime();
}

/**
 * The whole-case erasure the sweep asks for a case past its deletion date, to be decided with `decideProtection`
 * on the case's state and stream. The reason and legal basis name only the date and the setting: no personal data.
 */
export function retentionErasure(
  caseId: string,
  state: CaseRetention,
  policy: Pick<RetentionPolicy, 'deleteDays'>,
  options: { readonly eventId: string; readonly receivedAt: Date },
): ProtectCase {
  const due = deleteDueAt(state, policy);
  if (due === undefined) throw new Error(`case ${caseId} holds no case report: it has no deletion date`);
  return {
    caseId,
    eventId: options.eventId,
    kind: 'erase',
    target: { wholeCase: true },
    reason: `retention: deletion date ${due} passed`,
    legalBasis: `RETENTION_DELETE_DAYS=${policy.deleteDays}`,
    expectedCaseVersion: state.version,
    caller: RETENTION_PARTY,
    callerIsAdmin: true,
    receivedAt: options.receivedAt,
  };
}
