import { groupsOfMessage, type CaseEventType, type CaseMessageData } from '@cmx/case-domain';
import {
  CASE_REPORT_MESSAGE_TYPES,
  type CaseClosedBody,
  type CaseLinkedBody,
  type CaseReport,
  type CloseReason,
  type CrimeArea,
  type InterceptionReportedBody,
  type LinkRelation,
  type Location,
  type Migrants,
  type Payment,
  type Person,
  type Route,
  type TravelDocument,
  type Vehicle,
  type Vessel,
} from '@cmx/contracts';

/** A stored case event as a projector reads it. */
export interface CaseSummaryEvent {
  readonly type: CaseEventType;
  readonly data: CaseMessageData;
  /** The case version of the message. */
  readonly streamVersion: number;
  readonly position: string;
}

export interface InterceptionSummary {
  readonly occurredAt: string;
  readonly migrants: number;
  readonly deaths: number;
  readonly missing: number;
}

export interface LinkedCase {
  readonly otherCaseId: string;
  readonly relation: LinkRelation;
}

/**
 * A case as one reader sees it: folded from the messages that reader is entitled to, and only those.
 * Plain JSON (absent values are null) so that it can be stored and reloaded unchanged.
 */
export interface CaseSummary {
  readonly caseId: string;
  readonly status: 'open' | 'closed';
  /** The sender of case.opened; null when the reader is not entitled to that message. */
  readonly owner: string | null;
  /** The case version of the last message folded. */
  readonly version: number;
  /** The receivedAt of the last message folded. */
  readonly lastActivityAt: string;
  readonly title: string | null;
  readonly summary: string | null;
  /** Every crime area any report named, sorted. */
  readonly crimeAreas: readonly CrimeArea[];
  /** The latest route reported. */
  readonly route: Route | null;
  /** Items with a ref, in order of first mention, each merged field by field from every report that names its ref. */
  readonly persons: readonly Person[];
  readonly documents: readonly TravelDocument[];
  readonly vehicles: readonly Vehicle[];
  readonly vessels: readonly Vessel[];
  readonly locations: readonly Location[];
  /** Every payment reported, in order. */
  readonly payments: readonly Payment[];
  /** The latest migrants of a case report. */
  readonly migrants: Migrants | null;
  readonly interceptions: readonly InterceptionSummary[];
  readonly linkedCases: readonly LinkedCase[];
  /** The operations and task forces the case belongs to: assigned, or a message distributed to them. Sorted. */
  readonly operations: readonly string[];
  readonly taskForces: readonly string[];
  readonly closedReason: CloseReason | null;
}

/**
 * Folds one message into the summary. A message at or below the summary's version was folded already and changes nothing.
 * The summary is built as one literal naming every field: a spread of this many fields costs V8 about twenty times
 * as much, and a rebuild folds millions of messages.
 */
export function evolveCaseSummary(current: CaseSummary | undefined, event: CaseSummaryEvent): CaseSummary {
  if (current !== undefined && event.streamVersion <= current.version) return current;
  const { message, receivedAt } = event.data;
  const { type, sender } = message.header;
  const groups = groupsOfMessage(message);
  const base = current ?? emptySummary(message.header.caseId);
  const report = CASE_REPORT_MESSAGE_TYPES.includes(type) ? (message.body as CaseReport) : undefined;
  return {
    caseId: base.caseId,
    status: type === 'case.closed' ? 'closed' : base.status,
    owner: type === 'case.opened' ? sender : base.owner,
    version: event.streamVersion,
    lastActivityAt: receivedAt,
    title: report?.title ?? base.title,
    summary: report?.summary ?? base.summary,
    crimeAreas: sortedUnion(base.crimeAreas, report?.crimeAreas ?? []),
    route: report?.route ?? base.route,
    persons: mergeByRef(base.persons, report?.persons),
    documents: mergeByRef(base.documents, report?.documents),
    vehicles: mergeByRef(base.vehicles, report?.vehicles),
    vessels: mergeByRef(base.vessels, report?.vessels),
    locations: mergeByRef(base.locations, report?.locations),
    payments: report?.payments?.length ? [...base.payments, ...report.payments] : base.payments,
    migrants: report?.migrants ?? base.migrants,
    interceptions: type === 'interception.reported' ? [...base.interceptions, interceptionOf(message.body as InterceptionReportedBody)] : base.interceptions,
    linkedCases: type === 'case.linked' ? withLink(base.linkedCases, message.body as CaseLinkedBody) : base.linkedCases,
    operations: sortedUnion(base.operations, groups.operations),
    taskForces: sortedUnion(base.taskForces, groups.taskForces),
    closedReason: type === 'case.closed' ? (message.body as CaseClosedBody).reason : base.closedReason,
  };
}

function interceptionOf({ occurredAt, migrants }: InterceptionReportedBody): InterceptionSummary {
  return { occurredAt, migrants: migrants.count, deaths: migrants.deaths ?? 0, missing: migrants.missing ?? 0 };
}

function withLink(links: readonly LinkedCase[], { otherCaseId, relation }: CaseLinkedBody): readonly LinkedCase[] {
  const known = links.some((link) => link.otherCaseId === otherCaseId && link.relation === relation);
  return known ? links : [...links, { otherCaseId, relation }];
}

function emptySummary(caseId: string): CaseSummary {
  return {
    caseId,
    status: 'open',
    owner: null,
    version: 0,
    lastActivityAt: '',
    title: null,
    summary: null,
    crimeAreas: [],
    route: null,
    persons: [],
    documents: [],
    vehicles: [],
    vessels: [],
    locations: [],
    payments: [],
    migrants: null,
    interceptions: [],
    linkedCases: [],
    operations: [],
    taskForces: [],
    closedReason: null,
  };
}

function mergeByRef<Item extends { readonly ref: string }>(items: readonly Item[], reported: readonly Item[] = []): readonly Item[] {
  if (reported.length === 0) return items;
  const merged = [...items];
  for (const item of reported) {
    const index = merged.findIndex((known) => known.ref === item.ref);
    if (index < 0) merged.push(item);
    else merged[index] = { ...merged[index], ...item };
  }
  return merged;
}

function sortedUnion<Value extends string>(known: readonly Value[], added: readonly Value[]): readonly Value[] {
  if (added.every((value) => known.includes(value))) return known;
  return [...new Set([...known, ...added])].sort();
}
