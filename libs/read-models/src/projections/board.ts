import { facetsOfMessage, isEntitled, type CaseMessageData } from '@cmx/case-domain';
import {
  parseDateTime,
  type CrimeArea,
  type DocumentStatus,
  type DocumentType,
  type Location,
  type LocationKind,
  type MessageType,
  type Person,
  type PersonRole,
  type Priority,
  type RouteName,
  type TravelDocument,
  type Vehicle,
  type Vessel,
} from '@cmx/contracts';
import { evolveCaseSummary, type CaseSummary, type CaseSummaryEvent, type InterceptionSummary } from './case-summary';

export type BoardKind = 'operation' | 'taskForce';

export interface BoardIdentity {
  readonly kind: BoardKind;
  readonly id: string;
  readonly members: readonly string[];
}

type Counts<Key extends string> = Partial<Record<Key, number>>;

/** The lists of a board's cases, each paged at GET /v1/{operations|task-forces}/{id}/{list}. */
export const BOARD_LISTS = ['documents', 'vessels', 'vehicles', 'locations', 'interceptions', 'persons'] as const;
export type BoardListName = (typeof BOARD_LISTS)[number];

/** Set on an item of a person withheld from the reader, as the case summary shows it (`{ "ref": "P2", "erased": true }`). */
interface Withheld {
  readonly erased?: true;
  readonly restricted?: true;
}

export type DocumentItem = { readonly caseId: string; readonly personRef?: string } & Pick<TravelDocument, 'type' | 'number' | 'issuingCountry' | 'status'> &
  Withheld;
export type VesselItem = { readonly caseId: string } & Pick<Vessel, 'name' | 'imo' | 'flag'>;
export type VehicleItem = { readonly caseId: string } & Pick<Vehicle, 'plate' | 'registrationCountry'>;
export type LocationItem = { readonly caseId: string } & Pick<Location, 'kind' | 'name' | 'country' | 'lat' | 'lon'>;
export type InterceptionItem = { readonly caseId: string } & InterceptionSummary;
/**
 * A person on a board list: ref, role and nationalities, nothing else. Names, dates of birth, aliases and
 * identifiers stay off the board lists: they are read case by case, in the case summary.
 */
export type PersonItem = { readonly caseId: string; readonly ref: string; readonly role?: PersonRole; readonly nationalities?: readonly string[] } & Withheld;

export interface BoardListItems {
  readonly documents: DocumentItem;
  readonly vessels: VesselItem;
  readonly vehicles: VehicleItem;
  readonly locations: LocationItem;
  readonly interceptions: InterceptionItem;
  readonly persons: PersonItem;
}

/** A list of the board answer: how many items it has, and the newest of them. */
export interface RecentItems<Item> {
  readonly total: number;
  /** At most RECENT_ITEMS, newest first, and at most RECENT_LIST_MAX_BYTES of JSON between them. */
  readonly recent: readonly Item[];
}

/** The board read model, in the shape of the outside interface (DESIGN.md, "Boards (revised)"): bounded at any size. */
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
  readonly flaggedDocuments: RecentItems<DocumentItem>;
  readonly vessels: RecentItems<VesselItem>;
  readonly vehicles: RecentItems<VehicleItem>;
  readonly locations: RecentItems<LocationItem>;
  readonly interceptions: { readonly total: number; readonly migrants: number; readonly deaths: number; readonly missing: number };
  /** The latest receivedAt of the board's cases; null while it has none. */
  readonly lastActivityAt: string | null;
}

/** The lists the board answer shows the newest items of. */
export const RECENT_LISTS = ['flaggedDocuments', 'vessels', 'vehicles', 'locations'] as const;
export type RecentListName = (typeof RECENT_LISTS)[number];

export const RECENT_ITEMS = 20;
/**
 * The JSON bytes one list's recent items may take: with texts of 200 characters (CMF/1's limit, up to 6 bytes a
 * character in JSON) 20 items could take 30 KB a list; this keeps the four lists under 48 KiB and the answer under 64 KiB.
 */
export const RECENT_LIST_MAX_BYTES = 12 * 1024;

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

/** The board of the state's cases. */
export function boardView(state: BoardState, board: BoardIdentity): Board {
  const cases = boardCases(state, board.kind, board.id);
  const summaries = cases.map((boardCase) => boardCase.summary);
  const interceptions = summaries.flatMap((summary) => summary.interceptions);
  const recent = <Item>(all: readonly Item[]): RecentItems<Item> => ({ total: all.length, recent: recentWithin(all) });
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
    flaggedDocuments: recent(boardList(state, board, 'documents', { status: 'flagged' })),
    vessels: recent(boardList(state, board, 'vessels')),
    vehicles: recent(boardList(state, board, 'vehicles')),
    locations: recent(boardList(state, board, 'locations')),
    interceptions: {
      total: interceptions.length,
      migrants: sum(interceptions.map((interception) => interception.migrants)),
      deaths: sum(interceptions.map((interception) => interception.deaths)),
      missing: sum(interceptions.map((interception) => interception.missing)),
    },
    lastActivityAt: latest(summaries.map((summary) => summary.lastActivityAt)),
  };
}

/** One whole list of the board, newest first, filtered: what its pages put together give. */
export function boardList<List extends BoardListName>(
  state: BoardState,
  board: Omit<BoardIdentity, 'members'>,
  list: List,
  filter: BoardListFilter = {},
): BoardListItems[List][] {
  return boardCases(state, board.kind, board.id)
    .flatMap(({ summary }) => boardItemsOf(summary))
    .filter((item) => item.list === list && matchesBoardListFilter(item, filter))
    .sort(compareNewestFirst)
    .map((item) => listItemOf<List>(item));
}

/** The first items of a list, newest first, as many as the board answer shows: at most RECENT_ITEMS and RECENT_LIST_MAX_BYTES. */
export function recentWithin<Item>(newestFirst: readonly Item[]): Item[] {
  const recent: Item[] = [];
  let bytes = 2;
  for (const item of newestFirst.slice(0, RECENT_ITEMS)) {
    bytes += Buffer.byteLength(JSON.stringify(item)) + (recent.length > 0 ? 1 : 0);
    if (bytes > RECENT_LIST_MAX_BYTES) break;
    recent.push(item);
  }
  return recent;
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

/** How many items each list of the board answer has in all. */
export type ListTotals = Readonly<Record<RecentListName, number>>;

/** What one case adds to its boards' figures: running totals take it out and put it back when the case changes. */
export interface BoardContribution {
  readonly status: 'open' | 'closed';
  readonly byCrimeArea: Counts<string>;
  readonly byRoute: Counts<string>;
  readonly byMessageType: Counts<string>;
  readonly byPriority: Counts<string>;
  readonly byRole: Counts<string>;
  readonly interceptions: Board['interceptions'];
  readonly listTotals: ListTotals;
  readonly lastActivityAt: string;
}

/** A board's figures without its items, kept as running totals over its cases. */
export interface BoardTotals {
  readonly cases: Board['cases'];
  readonly counts: {
    readonly byCrimeArea: Counts<string>;
    readonly byRoute: Counts<string>;
    readonly byMessageType: Counts<string>;
    readonly byPriority: Counts<string>;
  };
  readonly persons: { readonly byRole: Counts<string> };
  readonly interceptions: Board['interceptions'];
  readonly listTotals: ListTotals;
  readonly lastActivityAt: string | null;
}

/**
 * A board's totals as the projector stores them: with a revision, new in every
 * transaction that changes the board (its totals or its cases' items), so that
 * a reader can tell whether a board it rendered is still current.
 */
export interface StoredBoardTotals extends BoardTotals {
  readonly revision: string;
}

const NO_LIST_ITEMS: ListTotals = { flaggedDocuments: 0, vessels: 0, vehicles: 0, locations: 0 };

export const EMPTY_BOARD_TOTALS: BoardTotals = {
  cases: { total: 0, open: 0, closed: 0 },
  counts: { byCrimeArea: {}, byRoute: {}, byMessageType: {}, byPriority: {} },
  persons: { byRole: {} },
  interceptions: { total: 0, migrants: 0, deaths: 0, missing: 0 },
  listTotals: NO_LIST_ITEMS,
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
    listTotals: {
      flaggedDocuments: summary.documents.filter(isFlagged).length,
      vessels: summary.vessels.length,
      vehicles: summary.vehicles.length,
      locations: summary.locations.length,
    },
    lastActivityAt: summary.lastActivityAt,
  };
}

/** The totals with one case's contribution taken out (`-1`) or put in (`+1`). */
export function applyContribution(totals: BoardTotals, contribution: BoardContribution, sign: 1 | -1): BoardTotals {
  const lastActivityAt = sign === 1 ? latest([...(totals.lastActivityAt ? [totals.lastActivityAt] : []), contribution.lastActivityAt]) : totals.lastActivityAt;
  const listTotals = { ...totals.listTotals };
  for (const list of RECENT_LISTS) listTotals[list] += sign * contribution.listTotals[list];
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
    listTotals,
    // A case's last activity only moves forward, so the board's latest never has to be taken back.
    lastActivityAt,
  };
}

/** The newest items of each list of the board answer, newest first, as read from the stored items. */
export type RecentLists = { readonly [List in RecentListName]: readonly RecentListItems[List][] };
interface RecentListItems {
  readonly flaggedDocuments: DocumentItem;
  readonly vessels: VesselItem;
  readonly vehicles: VehicleItem;
  readonly locations: LocationItem;
}

/**
 * The board answer from its running totals and the newest items of its lists
 * (at least as many as the answer shows): the same as boardView of its cases.
 */
export function boardOf(board: BoardIdentity, totals: BoardTotals, newest: RecentLists): Board {
  const sorted = <Key extends string>(counts: Counts<string>) =>
    Object.fromEntries(
      Object.keys(counts)
        .sort()
        .map((key) => [key, counts[key]]),
    ) as Counts<Key>;
  const recent = <List extends RecentListName>(list: List): RecentItems<RecentListItems[List]> => ({
    total: totals.listTotals[list],
    recent: recentWithin(newest[list]),
  });
  return {
    id: board.id,
    kind: board.kind,
    members: board.members,
    cases: totals.cases,
    counts: {
      byCrimeArea: sorted(totals.counts.byCrimeArea),
      byRoute: sorted(totals.counts.byRoute),
      byMessageType: sorted(totals.counts.byMessageType),
      byPriority: sorted(totals.counts.byPriority),
    },
    persons: { byRole: sorted(totals.persons.byRole) },
    flaggedDocuments: recent('flaggedDocuments'),
    vessels: recent('vessels'),
    vehicles: recent('vehicles'),
    locations: recent('locations'),
    interceptions: totals.interceptions,
    lastActivityAt: totals.lastActivityAt,
  };
}

// ---- the items of the lists, as stored one a row ------------------------------------------------------------

/**
 * One item of a case in one list of its boards, with what orders and filters it (a row of board_items).
 * Newest first is by the case's last activity, then its id, then the item's place in the case, each descending.
 */
export interface BoardItem {
  readonly list: BoardListName;
  readonly caseId: string;
  readonly lastActivityAt: string;
  /** The item's place in its case's list (the summary's order: first mention first). */
  readonly index: number;
  /** What a list is filtered by: a document's status, a location's kind, a person's role ('unknown' when none). */
  readonly facet: string | null;
  /** A document's type; LOCATED for a location with both lat and lon. */
  readonly facet2: string | null;
  /** The item without its caseId. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Where a page of a list ends: the last item's place in the order. */
export interface BoardItemPosition {
  readonly lastActivityAt: string;
  readonly caseId: string;
  readonly index: number;
}

/** The filters of the lists: documents by status (or 'flagged') and type, locations by kind (and located for GeoJSON), persons by role. */
export interface BoardListFilter {
  readonly status?: DocumentStatus | 'flagged';
  readonly type?: DocumentType;
  readonly kind?: LocationKind;
  readonly role?: PersonRole;
  /** Only locations with both lat and lon. */
  readonly located?: boolean;
}

export const LOCATED = 'located';

/** A filter as conditions on an item's facets: its facet one of `facet`, its facet2 equal to `facet2`. */
export function facetConditionsOf(filter: BoardListFilter): { readonly facet?: readonly string[]; readonly facet2?: string } {
  const facet = filter.status === 'flagged' ? FLAGGED_DOCUMENT_STATUSES : (filter.status ?? filter.kind ?? filter.role);
  const facet2 = filter.type ?? (filter.located ? LOCATED : undefined);
  return { ...(facet !== undefined ? { facet: typeof facet === 'string' ? [facet] : facet } : {}), ...(facet2 !== undefined ? { facet2 } : {}) };
}

export function matchesBoardListFilter(item: BoardItem, filter: BoardListFilter): boolean {
  const { facet, facet2 } = facetConditionsOf(filter);
  return (facet === undefined || (item.facet !== null && facet.includes(item.facet))) && (facet2 === undefined || item.facet2 === facet2);
}

/** Newest first: by last activity, case id and place in the case, each descending (the order of the sub-resources' pages). */
export function compareNewestFirst(left: BoardItemPosition, right: BoardItemPosition): number {
  if (left.lastActivityAt !== right.lastActivityAt) return left.lastActivityAt < right.lastActivityAt ? 1 : -1;
  if (left.caseId !== right.caseId) return left.caseId < right.caseId ? 1 : -1;
  return right.index - left.index;
}

const isFlagged = (document: TravelDocument): boolean => document.status !== undefined && FLAGGED_DOCUMENT_STATUSES.includes(document.status);

/** What an item of a withheld person's shows of it: nothing but that it is withheld. */
const withheldOf = (item: object): Withheld => pick(item as Withheld, ['erased', 'restricted']);

/** Every item of a case in the lists of its boards. */
export function boardItemsOf(summary: CaseSummary): BoardItem[] {
  const { caseId, lastActivityAt } = summary;
  const itemsOf = <Source>(
    list: BoardListName,
    sources: readonly Source[],
    read: (source: Source) => Omit<BoardItem, 'list' | 'caseId' | 'lastActivityAt' | 'index'>,
  ) => sources.map((source, index): BoardItem => ({ list, caseId, lastActivityAt, index, ...read(source) }));
  return [
    ...itemsOf('documents', summary.documents, (document) => ({
      facet: document.status ?? null,
      facet2: document.type ?? null,
      fields: {
        ...(document.holderRef !== undefined ? { personRef: document.holderRef } : {}),
        ...pick(document, ['type', 'number', 'issuingCountry', 'status']),
        ...withheldOf(document),
      },
    })),
    ...itemsOf('vessels', summary.vessels, (vessel) => ({ facet: null, facet2: null, fields: pick(vessel, ['name', 'imo', 'flag']) })),
    ...itemsOf('vehicles', summary.vehicles, (vehicle) => ({ facet: null, facet2: null, fields: pick(vehicle, ['plate', 'registrationCountry']) })),
    ...itemsOf('locations', summary.locations, (location) => ({
      facet: location.kind ?? null,
      facet2: location.lat !== undefined && location.lon !== undefined ? LOCATED : null,
      fields: pick(location, ['kind', 'name', 'country', 'lat', 'lon']),
    })),
    ...itemsOf('interceptions', summary.interceptions, (interception) => ({
      facet: null,
      facet2: null,
      fields: pick(interception, ['occurredAt', 'migrants', 'deaths', 'missing']),
    })),
    ...itemsOf('persons', summary.persons, (person) => ({
      facet: person.role ?? 'unknown',
      facet2: null,
      fields: { ref: person.ref, ...pick<Person, 'role' | 'nationalities'>(person, ['role', 'nationalities']), ...withheldOf(person) },
    })),
  ];
}

/** The item as its list shows it. */
export function listItemOf<List extends BoardListName>(item: BoardItem): BoardListItems[List] {
  return { caseId: item.caseId, ...item.fields } as unknown as BoardListItems[List];
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
