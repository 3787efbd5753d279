import fc from 'fast-check';
import { CaseMessageData, isCaseEventType } from '@cmx/case-domain';
import { referenceDeliveries, World, WorldMessage } from '../../../../test/support/reference-deliveries';
import { worldArbitrary } from '../../../../test/support/world';
import { worldEvents } from '../../../../test/support/world-events';
import {
  applyContribution,
  BOARD_LISTS,
  BoardCase,
  BoardContribution,
  BoardItem,
  boardItemsOf,
  BoardKind,
  boardList,
  BoardListFilter,
  BoardListName,
  boardOf,
  BoardTotals,
  boardView,
  compareNewestFirst,
  contributionOf,
  EMPTY_BOARD_TOTALS,
  evolveBoard,
  evolveBoardCase,
  initialBoardState,
  listItemOf,
  matchesBoardListFilter,
  RECENT_ITEMS,
} from './board';
import type { CaseSummaryEvent } from './case-summary';

const GROUPS: { kind: BoardKind; id: string }[] = [
  { kind: 'operation', id: 'OP-ALPHA' },
  { kind: 'operation', id: 'OP-BETA' },
  { kind: 'taskForce', id: 'OTF-EAST' },
  { kind: 'taskForce', id: 'OTF-WEST' },
];

/**
 * What a party's board must count, from the world alone: a case is on the
 * board once a message the party is entitled to names the group (distribution
 * or assignment); its messages the party is entitled to are counted, none other.
 */
function referenceBoard(world: World, party: string, group: { kind: BoardKind; id: string }) {
  const { entitled } = referenceDeliveries(world);
  const seen = new Map<number, WorldMessage[]>();
  const onBoard = new Set<number>();
  for (const [index, parties] of entitled) {
    if (!parties.has(party)) continue;
    const step = world.steps[index] as WorldMessage;
    seen.set(step.caseKey, [...(seen.get(step.caseKey) ?? []), step]);
    const names =
      group.kind === 'operation'
        ? [
            ...(step.distribution.scope === 'operation' ? step.distribution.operations : []),
            ...(step.type === 'case.assigned' && step.assign.operationId ? [step.assign.operationId] : []),
          ]
        : [
            ...(step.distribution.scope === 'taskForce' ? step.distribution.taskForces : []),
            ...(step.type === 'case.assigned' && step.assign.taskForceId ? [step.assign.taskForceId] : []),
          ];
    if (names.includes(group.id)) onBoard.add(step.caseKey);
  }
  const counted = [...onBoard].flatMap((caseKey) => seen.get(caseKey)!);
  const tally = (values: string[]) => Object.fromEntries([...new Set(values)].sort().map((value) => [value, values.filter((v) => v === value).length]));
  return { total: onBoard.size, byMessageType: tally(counted.map((step) => step.type)), byPriority: tally(counted.map((step) => step.priority)) };
}

describe('boards count only what the reader is entitled to (property, against a reference built from the world)', () => {
  it('for 2,000 random worlds, each party’s board of each group has the reference’s cases and message counts', () => {
    let boardsWithCases = 0;
    fc.assert(
      fc.property(worldArbitrary(), (world) => {
        const { events } = worldEvents(world);
        const caseEvents: CaseSummaryEvent[] = events
          .filter((event) => isCaseEventType(event.type))
          .map((event) => ({
            type: event.type as CaseSummaryEvent['type'],
            data: event.data as unknown as CaseMessageData,
            streamVersion: event.streamVersion,
            position: event.position,
          }));
        for (const party of world.parties) {
          // Every event goes to every party's fold: the fold itself must skip what the party is not entitled to.
          const state = caseEvents.reduce(evolveBoard, initialBoardState(party));
          for (const group of GROUPS) {
            const board = boardView(state, { ...group, members: [] });
            const expected = referenceBoard(world, party, group);
            expect([party, group.id, board.cases.total, board.counts.byMessageType, board.counts.byPriority]).toEqual([
              party,
              group.id,
              expected.total,
              expected.byMessageType,
              expected.byPriority,
            ]);
            if (expected.total > 0) boardsWithCases += 1;
          }
        }
      }),
      { numRuns: 2000 },
    );
    expect(boardsWithCases).toBeGreaterThan(2000);
  });
});

/**
 * The projector's way, after every event: running totals (each changed case's old contribution out, its new one
 * in) and each changed case's items replaced, as board_items holds them.
 */
function incrementalBoard(
  events: readonly CaseSummaryEvent[],
  party: string,
  group: { kind: BoardKind; id: string },
): { totals: BoardTotals; items: BoardItem[] } {
  const cases = new Map<string, BoardCase>();
  const contributions = new Map<string, BoardContribution>();
  const items = new Map<string, BoardItem[]>();
  let totals: BoardTotals = EMPTY_BOARD_TOTALS;
  for (const event of events) {
    if (!event.data.entitledParties.includes(party)) continue;
    const caseId = event.data.message.header.caseId;
    const next = evolveBoardCase(cases.get(caseId), event);
    cases.set(caseId, next);
    const groups = group.kind === 'operation' ? next.summary.operations : next.summary.taskForces;
    if (!groups.includes(group.id)) continue;
    const earlier = contributions.get(caseId);
    const contribution = contributionOf(next);
    totals = applyContribution(earlier ? applyContribution(totals, earlier, -1) : totals, contribution, 1);
    contributions.set(caseId, contribution);
    items.set(caseId, boardItemsOf(next.summary));
  }
  return { totals, items: [...items.values()].flat() };
}

/** A list read page by page as the sub-resources read board_items: each page the `limit` items after the cursor, newest first. */
function pagedList(items: readonly BoardItem[], list: BoardListName, filter: BoardListFilter, limit: number): { pages: number; items: unknown[] } {
  const ordered = items.filter((item) => item.list === list && matchesBoardListFilter(item, filter)).sort(compareNewestFirst);
  const read: unknown[] = [];
  let pages = 0;
  for (let after: BoardItem | undefined; ; pages++) {
    const page = ordered.filter((item) => after === undefined || compareNewestFirst(item, after) > 0).slice(0, limit + 1);
    read.push(...page.slice(0, limit).map((item) => listItemOf(item)));
    if (page.length <= limit) return { pages: pages + 1, items: read };
    after = page[limit - 1];
  }
}

const FILTERS: readonly [BoardListName, BoardListFilter][] = [
  ...BOARD_LISTS.map((list): [BoardListName, BoardListFilter] => [list, {}]),
  ['documents', { status: 'flagged' }],
  ['documents', { status: 'genuine' }],
  ['documents', { type: 'passport' }],
  ['locations', { located: true }],
  ['persons', { role: 'migrant' }],
  ['persons', { role: 'unknown' }],
];

/** Items a message may add to its case: the worlds' messages carry none. */
const itemsArbitrary = fc.record(
  {
    persons: fc.array(
      fc.record({ ref: fc.constantFrom('P1', 'P2', 'P3'), role: fc.option(fc.constantFrom('migrant', 'driver', 'organiser'), { nil: undefined }) }),
      { maxLength: 3 },
    ),
    documents: fc.array(
      fc.record({
        ref: fc.constantFrom('D1', 'D2', 'D3'),
        status: fc.option(fc.constantFrom('stolen', 'genuine', 'forged', 'lost'), { nil: undefined }),
        type: fc.option(fc.constantFrom('passport', 'visa'), { nil: undefined }),
        holderRef: fc.option(fc.constantFrom('P1', 'P2'), { nil: undefined }),
      }),
      { maxLength: 3 },
    ),
    vessels: fc.array(fc.record({ ref: fc.constantFrom('S1', 'S2'), name: fc.constantFrom('NOUR', 'SALAM') }), { maxLength: 2 }),
    vehicles: fc.array(fc.record({ ref: fc.constantFrom('V1', 'V2'), plate: fc.constantFrom('AB1', 'CD2') }), { maxLength: 2 }),
    locations: fc.array(
      fc.record({
        ref: fc.constantFrom('L1', 'L2', 'L3'),
        kind: fc.option(fc.constantFrom('hotspot', 'safe_house'), { nil: undefined }),
        lat: fc.option(fc.constant(32.9), { nil: undefined }),
        lon: fc.option(fc.constant(12.1), { nil: undefined }),
      }),
      { maxLength: 3 },
    ),
    interception: fc.option(fc.record({ count: fc.integer({ min: 1, max: 50 }), deaths: fc.integer({ min: 0, max: 3 }) }), { nil: undefined }),
  },
  { requiredKeys: ['persons', 'documents', 'vessels', 'vehicles', 'locations'] },
);

type AddedItems = typeof itemsArbitrary extends fc.Arbitrary<infer Items> ? Items : never;

/**
 * The world's case events with items added to their bodies (some updates made interceptions), received a few
 * at a time in the same minute so that cases share a last activity.
 */
function withItems(events: readonly CaseSummaryEvent[], items: readonly AddedItems[]): CaseSummaryEvent[] {
  return events.map((event, index) => {
    const added = items[index % Math.max(items.length, 1)];
    const receivedAt = new Date(Date.UTC(2026, 2, 14, 9, Math.floor(index / 3))).toISOString();
    const { message } = event.data;
    if (!added || event.type === 'CaseAssigned') return { ...event, data: { ...event.data, receivedAt } };
    const clean = <Item extends object>(list: Item[]) =>
      list.map((item) => Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined)));
    const body =
      added.interception && message.header.type === 'case.updated'
        ? {
            occurredAt: receivedAt,
            location: { country: 'IT' },
            mode: 'sea',
            conveyance: 'rubber_dinghy',
            migrants: { count: added.interception.count, deaths: added.interception.deaths },
          }
        : {
            ...message.body,
            persons: clean(added.persons),
            documents: clean(added.documents),
            vessels: added.vessels,
            vehicles: added.vehicles,
            locations: clean(added.locations),
          };
    const type = body === message.body || !('occurredAt' in body) ? message.header.type : 'interception.reported';
    return { ...event, data: { ...event.data, receivedAt, message: { ...message, header: { ...message.header, type }, body } } } as CaseSummaryEvent;
  });
}

describe('running board totals and stored items (property: what the projector stores reads exactly as boardView and boardList)', () => {
  it('for 1,000 random worlds, each party’s board of each group, updated event by event, answers boardView, and its lists paged answer boardList', () => {
    let pagedAcross = 0;
    fc.assert(
      fc.property(worldArbitrary(), fc.array(itemsArbitrary, { maxLength: 30 }), fc.integer({ min: 1, max: 3 }), (world, items, limit) => {
        const caseEvents = withItems(
          worldEvents(world)
            .events.filter((event) => isCaseEventType(event.type))
            .map((event) => ({
              type: event.type as CaseSummaryEvent['type'],
              data: event.data as unknown as CaseMessageData,
              streamVersion: event.streamVersion,
              position: event.position,
            })),
          items,
        );
        for (const party of world.parties) {
          const state = caseEvents.reduce(evolveBoard, initialBoardState(party));
          for (const group of GROUPS) {
            const board = { ...group, members: ['X'] };
            const { totals, items } = incrementalBoard(caseEvents, party, group);
            const newest = (list: BoardListName, filter: BoardListFilter = {}) =>
              pagedList(items, list, filter, RECENT_ITEMS).items.slice(0, RECENT_ITEMS) as never[];
            const stored = boardOf(board, totals, {
              flaggedDocuments: newest('documents', { status: 'flagged' }),
              vessels: newest('vessels'),
              vehicles: newest('vehicles'),
              locations: newest('locations'),
            });
            expect(JSON.stringify(stored)).toBe(JSON.stringify(boardView(state, board)));
            for (const [list, filter] of FILTERS) {
              const paged = pagedList(items, list, filter, limit);
              expect([party, group.id, list, filter, paged.items]).toEqual([party, group.id, list, filter, boardList(state, group, list, filter)]);
              if (paged.pages > 1) pagedAcross += 1;
            }
          }
        }
      }),
      { numRuns: 1000 },
    );
    expect(pagedAcross).toBeGreaterThan(300);
  });
});
