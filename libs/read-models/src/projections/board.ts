import { facetsOfMessage, isEntitled, type CaseMessageData } from '@cmx/case-domain';
import {
  parseDateTime,
  type CrimeArea,
  type DocumentStatus,
  type Location,
  type MessageType,
  type PersonRole,
  type Priority,
  type RouteName,
  type TravelDocument,
  type Vehicle,
  type Vessel,
} from '@cmx/contracts';
import { evolveCaseSummary, type CaseSummary, type CaseSummaryEvent } from './case-summary';

export type BoardKind = 'operation' | 'taskForce';

type Counts<Key extends string> = Partial<Record<Key, number>>;

/** The board read model, in the shape of the outside interface (DESIGN.md). */
export interface Board {
  readonly id: string;
  readonly kind: BoardKind;
  readonly members: readonly string[];
  readonly cases: { readonly total: number; readonly open: number; readonly closed: number };
  readonly counts: {
    readonly byCrimeArea: Counts<CrimeArea>;
    readonly byRoute: Counts<RouteName>;
    readonly byMessageType: Counts<MessageType>;
    readonly byPriority: Counts<Priority>;
  };
  readonly persons: { readonly byRole: Counts<PersonRole> };
  readonly flaggedDocuments: readonly ({ readonly caseId: string } & Pick<TravelDocument, 'type' | 'number' | 'issuingCountry' | 'status'>)[];
  readonly vessels: readonly ({ readonly caseId: string } & Pick<Vessel, 'name' | 'imo' | 'flag'>)[];
  readonly vehicles: readonly ({ readonly caseId: string } & Pick<Vehicle, 'plate' | 'registrationCountry'>)[];
  readonly locations: readonly ({ readonly caseId: string } & Pick<Location, 'kind' | 'name' | 'country' | 'lat' | 'lon'>)[];
  readonly interceptions: { readonly total: number; readonly migrants: number; readonly deaths: number; readonly missing: number };
  /** The latest receivedAt of the board's cases; null while it has none. */
  readonly lastActivityAt: string | null;
}

/** One case as one reader sees it, with the counts of the messages folded into it. */
export interface BoardCase {
  readonly summary: CaseSummary;
  readonly messagesByType: Counts<MessageType>;
  readonly messagesByPriority: Counts<Priority>;
}

/**
 * Every case one reader is entitled to a message of, keyed by caseId: the state behind all the boards that reader
 * may see. A case whose group the reader does not know yet is kept too, so that when it joins a board every one of
 * its messages counts, the earlier ones included. Plain JSON.
 */
export interface BoardState {
  readonly reader: string;
  readonly cases: Readonly<Record<string, BoardCase>>;
}

export const FLAGGED_DOCUMENT_STATUSES: readonly DocumentStatus[] = ['stolen', 'lost', 'forged', 'counterfeit', 'impostor_use'];

export const initialBoardState = (reader: string): BoardState => ({ reader, cases: {} });

/** Whether this message puts its case on the board: a case.assigned naming it, or a distribution to it. */
export function belongsToBoard(event: { readonly data: CaseMessageData }, kind: BoardKind, id: string): boolean {
  const groups = facetsOfMessage(event.data.message);
  return (kind === 'operation' ? groups.operations : groups.taskForces).includes(id);
}

/** Folds one message into its case; a message already folded changes nothing. */
export function evolveBoardCase(current: BoardCase | undefined, event: CaseSummaryEvent): BoardCase {
  if (current !== undefined && event.streamVersion <= current.summary.version) return current;
  const { type, priority } = event.data.message.header;
  return {
    summary: evolveCaseSummary(current?.summary, event),
    messagesByType: increment(current?.messagesByType ?? {}, type),
    messagesByPriority: increment(current?.messagesByPriority ?? {}, priority),
  };
}

/** Folds one stored event; an event the reader is not entitled to is ignored. */
export function evolveBoard(state: BoardState, event: CaseSummaryEvent): BoardState {
  if (!isEntitled(event.data, state.reader)) return state;
  const caseId = event.data.message.header.caseId;
  const current = state.cases[caseId];
  const next = evolveBoardCase(current, event);
  return next === current ? state : { ...state, cases: { ...state.cases, [caseId]: next } };
}

/** The cases on one board, by caseId. */
export function boardCases(state: BoardState, kind: BoardKind, id: string): BoardCase[] {
  return Object.keys(state.cases)
    .sort()
    .map((caseId) => state.cases[caseId])
    .filter(({ summary }) => (kind === 'operation' ? summary.operations : summary.taskForces).includes(id));
}

export function boardView(state: BoardState, board: { readonly kind: BoardKind; readonly id: string; readonly members: readonly string[] }): Board {
  const cases = boardCases(state, board.kind, board.id);
  const summaries = cases.map((boardCase) => boardCase.summary);
  const interceptions = summaries.flatMap((summary) => summary.interceptions);
  return {
    id: board.id,
    kind: board.kind,
    members: board.members,
    cases: {
      total: summaries.length,
      open: summaries.filter((summary) => summary.status === 'open').length,
      closed: summaries.filter((summary) => summary.status === 'closed').length,
    },
    counts: {
      byCrimeArea: countValues(summaries.flatMap((summary) => summary.crimeAreas)),
      byRoute: countValues(summaries.flatMap((summary) => (summary.route ? [summary.route.name] : []))),
      byMessageType: sumCounts(cases.map((boardCase) => boardCase.messagesByType)),
      byPriority: sumCounts(cases.map((boardCase) => boardCase.messagesByPriority)),
    },
    persons: { byRole: countValues(summaries.flatMap((summary) => summary.persons.map((person) => person.role ?? 'unknown'))) },
    flaggedDocuments: summaries.flatMap((summary) => boardListsOf(summary).flaggedDocuments),
    vessels: summaries.flatMap((summary) => boardListsOf(summary).vessels),
    vehicles: summaries.flatMap((summary) => boardListsOf(summary).vehicles),
    locations: summaries.flatMap((summary) => boardListsOf(summary).locations),
    interceptions: {
      total: interceptions.length,
      migrants: sum(interceptions.map((interception) => interception.migrants)),
      deaths: sum(interceptions.map((interception) => interception.deaths)),
      missing: sum(interceptions.map((interception) => interception.missing)),
    },
    lastActivityAt: latest(summaries.map((summary) => summary.lastActivityAt)),
  };
}

function increment<Key extends string>(counts: Counts<Key>, key: Key): Counts<Key> {
  return { ...counts, [key]: (counts[key] ?? 0) + 1 };
}

/** Counts with their keys sorted, so that the view does not depend on the order the state's keys were stored in. */
function countValues<Key extends string>(values: readonly Key[]): Counts<Key> {
  const counts: Counts<Key> = {};
  for (const value of [...values].sort()) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function sumCounts<Key extends string>(all: readonly Counts<Key>[]): Counts<Key> {
  const totals: Counts<Key> = {};
  const keys = [...new Set(all.flatMap((counts) => Object.keys(counts) as Key[]))].sort();
  for (const key of keys) totals[key] = sum(all.map((counts) => counts[key] ?? 0));
  return totals;
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

function latest(times: readonly string[]): string | null {
  return times.reduce<string | null>((last, time) => (last === null || timeOf(time) > timeOf(last) ? time : last), null);
}

const timeOf = (time: string): number => parseDateTime(time) ?? Number.NEGATIVE_INFINITY;

/** The fields of `item` named by `keys` that it has. */
function pick<Item extends object, Key extends keyof Item>(item: Item, keys: readonly Key[]): Pick<Item, Key> {
  const picked = {} as Pick<Item, Key>;
  for (const key of keys) if (item[key] !== undefined) picked[key] = item[key];
  return picked;
}

/** What one case adds to its boards' figures: running totals take it out and put it back when the case changes. */
export interface BoardContribution {
  readonly status: 'open' | 'closed';
  readonly byCrimeArea: Counts<string>;
  readonly byRoute: Counts<string>;
  readonly byMessageType: Counts<string>;
  readonly byPriority: Counts<string>;
  readonly byRole: Counts<string>;
  readonly interceptions: Board['interceptions'];
  readonly lastActivityAt: string;
}

/** A board's figures without its lists, kept as running totals over its cases. */
export interface BoardTotals {
  readonly cases: Board['cases'];
  readonly counts: { readonly byCrimeArea: Counts<string>; readonly byRoute: Counts<string>; readonly byMessageType: Counts<string>; readonly byPriority: Counts<string> };
  readonly persons: { readonly byRole: Counts<string> };
  readonly interceptions: Board['interceptions'];
  readonly lastActivityAt: string | null;
}

/**
 * A board's totals as the projector stores them: with a revision, new in every
 * transaction that changes the board (its totals or its cases' lists), so that
 * a reader can tell whether a board it rendered is still current.
 */
export interface StoredBoardTotals extends BoardTotals {
  /** Absent from rows written before boards had revisions. */
  readonly revision?: string;
}

/** A case's items in its boards' lists, each list as the JSON of its items without the brackets ('' when none). */
export interface BoardListFragments {
  readonly flaggedDocuments: string;
  readonly vessels: string;
  readonly vehicles: string;
  readonly locations: string;
}

export const EMPTY_BOARD_TOTALS: BoardTotals = {
  cases: { total: 0, open: 0, closed: 0 },
  counts: { byCrimeArea: {}, byRoute: {}, byMessageType: {}, byPriority: {} },
  persons: { byRole: {} },
  interceptions: { total: 0, migrants: 0, deaths: 0, missing: 0 },
  lastActivityAt: null,
};

export function contributionOf(boardCase: BoardCase): BoardContribution {
  const { summary } = boardCase;
  const interceptions = summary.interceptions;
  return {
    status: summary.status,
    byCrimeArea: countValues(summary.crimeAreas),
    byRoute: countValues(summary.route ? [summary.route.name] : []),
    byMessageType: boardCase.messagesByType,
    byPriority: boardCase.messagesByPriority,
    byRole: countValues(summary.persons.map((person) => person.role ?? 'unknown')),
    interceptions: {
      total: interceptions.length,
      migrants: sum(interceptions.map((interception) => interception.migrants)),
      deaths: sum(interceptions.map((interception) => interception.deaths)),
      missing: sum(interceptions.map((interception) => interception.missing)),
    },
    lastActivityAt: summary.lastActivityAt,
  };
}

/** The totals with one case's contribution taken out (`-1`) or put in (`+1`). */
export function applyContribution(totals: BoardTotals, contribution: BoardContribution, sign: 1 | -1): BoardTotals {
  const lastActivityAt = sign === 1 ? latest([...(totals.lastActivityAt ? [totals.lastActivityAt] : []), contribution.lastActivityAt]) : totals.lastActivityAt;
  return {
    cases: {
      total: totals.cases.total + sign,
      open: totals.cases.open + (contribution.status === 'open' ? sign : 0),
      closed: totals.cases.closed + (contribution.status === 'closed' ? sign : 0),
    },
    counts: {
      byCrimeArea: addCounts(totals.counts.byCrimeArea, contribution.byCrimeArea, sign),
      byRoute: addCounts(totals.counts.byRoute, contribution.byRoute, sign),
      byMessageType: addCounts(totals.counts.byMessageType, contribution.byMessageType, sign),
      byPriority: addCounts(totals.counts.byPriority, contribution.byPriority, sign),
    },
    persons: { byRole: addCounts(totals.persons.byRole, contribution.byRole, sign) },
    interceptions: {
      total: totals.interceptions.total + sign * contribution.interceptions.total,
      migrants: totals.interceptions.migrants + sign * contribution.interceptions.migrants,
      deaths: totals.interceptions.deaths + sign * contribution.interceptions.deaths,
      missing: totals.interceptions.missing + sign * contribution.interceptions.missing,
    },
    // A case's last activity only moves forward, so the board's latest never has to be taken back.
    lastActivityAt,
  };
}

/** One case's items in the lists of a board. */
function boardListsOf(summary: CaseSummary): Pick<Board, 'flaggedDocuments' | 'vessels' | 'vehicles' | 'locations'> {
  const withCaseId = <Item extends object, Key extends keyof Item>(items: readonly Item[], keys: readonly Key[]) =>
    items.map((item) => ({ caseId: summary.caseId, ...pick(item, keys) }));
  return {
    flaggedDocuments: withCaseId(
      summary.documents.filter((document) => document.status !== undefined && FLAGGED_DOCUMENT_STATUSES.includes(document.status)),
      ['type', 'number', 'issuingCountry', 'status'],
    ),
    vessels: withCaseId(summary.vessels, ['name', 'imo', 'flag']),
    vehicles: withCaseId(summary.vehicles, ['plate', 'registrationCountry']),
    locations: withCaseId(summary.locations, ['kind', 'name', 'country', 'lat', 'lon']),
  };
}

export function listFragmentsOf(boardCase: BoardCase): BoardListFragments {
  const lists = boardListsOf(boardCase.summary);
  const inner = (items: readonly unknown[]) => items.map((item) => JSON.stringify(item)).join(',');
  return {
    flaggedDocuments: inner(lists.flaggedDocuments),
    vessels: inner(lists.vessels),
    vehicles: inner(lists.vehicles),
    locations: inner(lists.locations),
  };
}

/**
 * The board's JSON from its running totals and its cases' list fragments (in
 * case-id order): the same text as JSON.stringify(boardView(…)) of those
 * cases, without parsing or building the lists.
 */
export function renderBoard(
  board: { readonly kind: BoardKind; readonly id: string; readonly members: readonly string[] },
  totals: BoardTotals,
  fragments: readonly BoardListFragments[],
): string {
  const list = (field: keyof BoardListFragments) => `[${fragments.map((fragment) => fragment[field]).filter((items) => items !== '').join(',')}]`;
  const sorted = (counts: Counts<string>) => JSON.stringify(Object.fromEntries(Object.keys(counts).sort().map((key) => [key, counts[key]])));
  return (
    `{"id":${JSON.stringify(board.id)},"kind":${JSON.stringify(board.kind)},"members":${JSON.stringify(board.members)},` +
    `"cases":${JSON.stringify(totals.cases)},` +
    `"counts":{"byCrimeArea":${sorted(totals.counts.byCrimeArea)},"byRoute":${sorted(totals.counts.byRoute)},` +
    `"byMessageType":${sorted(totals.counts.byMessageType)},"byPriority":${sorted(totals.counts.byPriority)}},` +
    `"persons":{"byRole":${sorted(totals.persons.byRole)}},` +
    `"flaggedDocuments":${list('flaggedDocuments')},"vessels":${list('vessels')},"vehicles":${list('vehicles')},"locations":${list('locations')},` +
    `"interceptions":${JSON.stringify(totals.interceptions)},"lastActivityAt":${JSON.stringify(totals.lastActivityAt)}}`
  );
}

function addCounts(totals: Counts<string>, counts: Counts<string>, sign: 1 | -1): Counts<string> {
  const result: Record<string, number> = { ...totals } as Record<string, number>;
  for (const [key, value] of Object.entries(counts)) {
    const next = (result[key] ?? 0) + sign * (value ?? 0);
    if (next === 0) delete result[key];
    else result[key] = next;
  }
  return result;
}
