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
  const withCaseId = <Item extends object, Key extends keyof Item>(summary: CaseSummary, items: readonly Item[], keys: readonly Key[]) =>
    items.map((item) => ({ caseId: summary.caseId, ...pick(item, keys) }));
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
    flaggedDocuments: summaries.flatMap((summary) =>
      withCaseId(
        summary,
        summary.documents.filter((document) => document.status !== undefined && FLAGGED_DOCUMENT_STATUSES.includes(document.status)),
        ['type', 'number', 'issuingCountry', 'status'],
      ),
    ),
    vessels: summaries.flatMap((summary) => withCaseId(summary, summary.vessels, ['name', 'imo', 'flag'])),
    vehicles: summaries.flatMap((summary) => withCaseId(summary, summary.vehicles, ['plate', 'registrationCountry'])),
    locations: summaries.flatMap((summary) => withCaseId(summary, summary.locations, ['kind', 'name', 'country', 'lat', 'lon'])),
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
