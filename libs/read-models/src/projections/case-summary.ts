import { facetsOfMessage, type CaseEventType, type CaseMessageData } from '@cmx/case-domain';
import type {
  CaseClosedBody,
  CaseLinkedBody,
  CaseReport,
  CloseReason,
  CrimeArea,
  InterceptionReportedBody,
  LinkRelation,
  Location,
  Migrants,
  Payment,
  Person,
  Route,
  TravelDocument,
  Vehicle,
  Vessel,
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

/** Folds one message into the summary. A message at or below the summary's version was folded already and changes nothing. */
export function evolveCaseSummary(current: CaseSummary | undefined, event: CaseSummaryEvent): CaseSummary {
  if (current !== undefined && event.streamVersion <= current.version) return current;
  const { message, receivedAt } = event.data;
  const groups = facetsOfMessage(message);
  const base = current ?? emptySummary(message.header.caseId);
  const next: CaseSummary = {
    ...base,
    version: event.streamVersion,
    lastActivityAt: receivedAt,
    operations: sortedUnion(base.operations, groups.operations),
    taskForces: sortedUnion(base.taskForces, groups.taskForces),
  };
  switch (message.header.type) {
    case 'case.opened':
      return { ...withReport(next, message.body as CaseReport), owner: message.header.sender };
    case 'case.updated':
    case 'information.provided':
      return withReport(next, message.body as CaseReport);
    case 'case.linked': {
      const { otherCaseId, relation } = message.body as CaseLinkedBody;
      const known = next.linkedCases.some((link) => link.otherCaseId === otherCaseId && link.relation === relation);
      return known ? next : { ...next, linkedCases: [...next.linkedCases, { otherCaseId, relation }] };
    }
    case 'interception.reported': {
      const { occurredAt, migrants } = message.body as InterceptionReportedBody;
      const interception = { occurredAt, migrants: migrants.count, deaths: migrants.deaths ?? 0, missing: migrants.missing ?? 0 };
      return { ...next, interceptions: [...next.interceptions, interception] };
    }
    case 'case.closed':
      return { ...next, status: 'closed', closedReason: (message.body as CaseClosedBody).reason };
    case 'case.assigned':
    case 'information.requested':
      return next;
  }
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

function withReport(summary: CaseSummary, report: CaseReport): CaseSummary {
  return {
    ...summary,
    title: report.title ?? summary.title,
    summary: report.summary ?? summary.summary,
    crimeAreas: sortedUnion(summary.crimeAreas, report.crimeAreas ?? []),
    route: report.route ?? summary.route,
    persons: mergeByRef(summary.persons, report.persons),
    documents: mergeByRef(summary.documents, report.documents),
    vehicles: mergeByRef(summary.vehicles, report.vehicles),
    vessels: mergeByRef(summary.vessels, report.vessels),
    locations: mergeByRef(summary.locations, report.locations),
    payments: [...summary.payments, ...(report.payments ?? [])],
    migrants: report.migrants ?? summary.migrants,
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
