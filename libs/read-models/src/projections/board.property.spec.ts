import fc from 'fast-check';
import { CaseMessageData, isCaseEventType } from '@cmx/case-domain';
import { referenceDeliveries, World, WorldMessage } from '../../../../test/support/reference-deliveries';
import { worldArbitrary } from '../../../../test/support/world';
import { worldEvents } from '../../../../test/support/world-events';
import {
  applyContribution,
  BoardCase,
  BoardContribution,
  BoardKind,
  BoardTotals,
  boardView,
  contributionOf,
  EMPTY_BOARD_TOTALS,
  evolveBoard,
  evolveBoardCase,
  initialBoardState,
  listFragmentsOf,
  renderBoard,
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
    const names = group.kind === 'operation'
      ? [...(step.distribution.scope === 'operation' ? step.distribution.operations : []), ...(step.type === 'case.assigned' && step.assign.operationId ? [step.assign.operationId] : [])]
      : [...(step.distribution.scope === 'taskForce' ? step.distribution.taskForces : []), ...(step.type === 'case.assigned' && step.assign.taskForceId ? [step.assign.taskForceId] : [])];
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
          .map((event) => ({ type: event.type as CaseSummaryEvent['type'], data: event.data as unknown as CaseMessageData, streamVersion: event.streamVersion, position: event.position }));
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

/** The projector's way: running totals, each changed case's old contribution out and new one in, after every event. */
function incrementalBoard(events: readonly CaseSummaryEvent[], party: string, group: { kind: BoardKind; id: string }): string {
  const cases = new Map<string, BoardCase>();
  const contributions = new Map<string, BoardContribution>();
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
  }
  const fragments = [...contributions.keys()].sort().map((caseId) => listFragmentsOf(cases.get(caseId)!));
  return renderBoard({ ...group, members: ['X'] }, totals, fragments);
}

describe('running board totals (property: what the projector stores renders exactly as boardView)', () => {
  it('for 1,000 random worlds, each party’s board of each group, updated event by event, is the same JSON as boardView', () => {
    fc.assert(
      fc.property(worldArbitrary(), (world) => {
        const caseEvents: CaseSummaryEvent[] = worldEvents(world)
          .events.filter((event) => isCaseEventType(event.type))
          .map((event) => ({ type: event.type as CaseSummaryEvent['type'], data: event.data as unknown as CaseMessageData, streamVersion: event.streamVersion, position: event.position }));
        for (const party of world.parties) {
          const state = caseEvents.reduce(evolveBoard, initialBoardState(party));
          for (const group of GROUPS) {
            expect(incrementalBoard(caseEvents, party, group)).toBe(JSON.stringify(boardView(state, { ...group, members: ['X'] })));
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
