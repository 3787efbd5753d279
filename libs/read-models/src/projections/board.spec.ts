import type { DocumentStatus } from '@cmx/contracts';
import { exampleMessage } from '@cmx/contracts/testing';
import { belongsToBoard, boardView, evolveBoard, initialBoardState, type Board, type BoardKind, type BoardState } from './board';
import type { CaseSummaryEvent } from './case-summary';
import { given, step, TO_CENTRAL_MED, TO_HYDRA, toRecipients, type CaseHistory } from './testing/case-history';

const HYDRA = { kind: 'operation', id: 'OP-HYDRA-2026', members: ['EUROPOL', 'NCB-IT'] } as const;
const CENTRAL_MED = { kind: 'taskForce', id: 'OTF-CENTRAL-MED', members: ['FRONTEX', 'NCB-GR', 'NCB-IT'] } as const;
const CASE_A = 'IT-2026-000123';
const CASE_B = 'IT-2026-000200';
const CASE_C = 'IT-2026-000300';

const fold = (reader: string, events: readonly CaseSummaryEvent[], from: BoardState = initialBoardState(reader)) => events.reduce(evolveBoard, from);

/** when `reader` folds every stored event (evolveBoard skips those it is not entitled to), then: the board */
function whenReadBy(reader: string, history: CaseHistory, board: { kind: BoardKind; id: string; members: readonly string[] } = HYDRA): Board {
  return boardView(fold(reader, history.events), board);
}

/**
 * Case A is distributed to Hydra from the start, one of its updates only to NCB-GR (NCB-IT, the sender, sees it;
 * EUROPOL does not). Case B is opened for EUROPOL alone, then assigned to Hydra and closed. Case C goes to the task force only.
 */
const history = given(
  step('case.opened', exampleMessage('case.opened').body, { caseId: CASE_A, priority: 'urgent' }),
  step('case.updated', {
    crimeAreas: ['migrant_smuggling'],
    persons: [{ ref: 'P2', role: 'facilitator' }],
    documents: [{ ref: 'D1', status: 'genuine' }, { ref: 'D2', type: 'id_card', number: 'ID-77', issuingCountry: 'ER', status: 'forged', holderRef: 'P2' }],
  }, { caseId: CASE_A, priority: 'routine' }),
  step('interception.reported', exampleMessage('interception.reported').body, { caseId: CASE_A, priority: 'immediate' }),
  step('case.updated', {
    persons: [{ ref: 'P4', role: 'driver' }],
    documents: [{ ref: 'D3', type: 'passport', number: 'Y1', status: 'lost' }],
  }, { caseId: CASE_A, priority: 'routine', distribution: toRecipients('NCB-GR') }),
  step('case.opened', {
    title: 'Lorry crossings',
    crimeAreas: ['migrant_smuggling'],
    route: { name: 'eastern', legs: [{ from: { country: 'TR' }, to: { country: 'BG' }, mode: 'land', conveyance: 'lorry' }] },
    persons: [{ ref: 'P1' }],
    vehicles: [{ ref: 'V9', plate: 'CB1234', registrationCountry: 'BG' }],
    locations: [{ ref: 'L9', kind: 'border_crossing', country: 'BG' }],
  }, { caseId: CASE_B, priority: 'routine', distribution: toRecipients('EUROPOL') }),
  step('case.assigned', { operationId: 'OP-HYDRA-2026' }, { caseId: CASE_B, priority: 'routine', distribution: toRecipients('EUROPOL') }),
  step('case.closed', { reason: 'dismantled' }, { caseId: CASE_B, priority: 'urgent', distribution: toRecipients('EUROPOL') }),
  step('case.opened', { title: 'Task force only', crimeAreas: ['drug_trafficking'] }, { caseId: CASE_C, distribution: TO_CENTRAL_MED }),
);

describe('board: what one reader sees of an operation', () => {
  it('counts the cases on the board and what they hold, from the messages the reader is entitled to', () => {
    expect(whenReadBy('NCB-IT', history)).toEqual({
      id: 'OP-HYDRA-2026',
      kind: 'operation',
      members: ['EUROPOL', 'NCB-IT'],
      cases: { total: 2, open: 1, closed: 1 },
      counts: {
        byCrimeArea: { document_fraud: 1, migrant_smuggling: 2 },
        byRoute: { central_mediterranean: 1, eastern: 1 },
        byMessageType: { 'case.assigned': 1, 'case.closed': 1, 'case.opened': 2, 'case.updated': 2, 'interception.reported': 1 },
        byPriority: { immediate: 1, routine: 4, urgent: 2 },
      },
      persons: { byRole: { driver: 1, facilitator: 1, organiser: 1, unknown: 1 } },
      flaggedDocuments: [
        { caseId: CASE_A, type: 'id_card', number: 'ID-77', issuingCountry: 'ER', status: 'forged' },
        { caseId: CASE_A, type: 'passport', number: 'Y1', status: 'lost' },
      ],
      vessels: [{ caseId: CASE_A, name: 'AL AMAL', imo: '9123456', flag: 'LY' }],
      vehicles: [
        { caseId: CASE_A, plate: 'AB123CD', registrationCountry: 'BG' },
        { caseId: CASE_B, plate: 'CB1234', registrationCountry: 'BG' },
      ],
      locations: [
        { caseId: CASE_A, kind: 'departure_point', name: 'Zuwara beach', country: 'LY', lat: 32.93, lon: 12.08 },
        { caseId: CASE_B, kind: 'border_crossing', country: 'BG' },
      ],
      interceptions: { total: 1, migrants: 41, deaths: 1, missing: 3 },
      lastActivityAt: history.events[6].data.receivedAt,
    });
  });

  it('gives a reader entitled to fewer messages smaller counts, and never folds a message it is not entitled to', () => {
    const europol = whenReadBy('EUROPOL', history);
    expect(europol.counts.byMessageType).toEqual({ 'case.assigned': 1, 'case.closed': 1, 'case.opened': 2, 'case.updated': 1, 'interception.reported': 1 });
    expect(europol.persons.byRole).toEqual({ facilitator: 1, organiser: 1, unknown: 1 });
    expect(europol.flaggedDocuments.map((document) => document.number)).toEqual(['ID-77']);
    expect(fold('EUROPOL', history.events)).toEqual(fold('EUROPOL', history.seenBy('EUROPOL')));

    const greek = whenReadBy('NCB-GR', history);
    expect(greek.cases).toEqual({ total: 0, open: 0, closed: 0 });
    expect(greek.lastActivityAt).toBeNull();
  });

  it('does not show a case filed under another group; the task force board shows it', () => {
    expect(whenReadBy('NCB-IT', history, CENTRAL_MED)).toMatchObject({
      id: 'OTF-CENTRAL-MED',
      kind: 'taskForce',
      members: ['FRONTEX', 'NCB-GR', 'NCB-IT'],
      cases: { total: 1, open: 1, closed: 0 },
      counts: { byCrimeArea: { drug_trafficking: 1 }, byMessageType: { 'case.opened': 1 } },
    });
  });
});

describe('board: when a case belongs to it', () => {
  it.each([
    ['a case.assigned naming it', 'operation', 'OP-HYDRA-2026', true, step('case.assigned', { operationId: 'OP-HYDRA-2026' }, { distribution: toRecipients('EUROPOL') })],
    ['a case.assigned naming it', 'taskForce', 'OTF-CENTRAL-MED', true, step('case.assigned', { taskForceId: 'OTF-CENTRAL-MED' }, { distribution: toRecipients('EUROPOL') })],
    ['a message distributed to it', 'operation', 'OP-HYDRA-2026', true, step('case.updated', { summary: 'x' }, { distribution: TO_HYDRA })],
    ['a message distributed to it', 'taskForce', 'OTF-CENTRAL-MED', true, step('case.updated', { summary: 'x' }, { distribution: TO_CENTRAL_MED })],
    ['a case.assigned naming another operation', 'operation', 'OP-HYDRA-2026', false, step('case.assigned', { operationId: 'OP-OTHER' }, { distribution: toRecipients('EUROPOL') })],
    ['a message distributed to an operation', 'taskForce', 'OTF-CENTRAL-MED', false, step('case.updated', { summary: 'x' }, { distribution: TO_HYDRA })],
    ['a message to recipients only', 'operation', 'OP-HYDRA-2026', false, step('case.updated', { summary: 'x' }, { distribution: toRecipients('NCB-GR') })],
  ] as const)('%s, for the %s %s: %s', (_, kind, id, belongs, message) => {
    const events = given(step('case.opened', { title: 'x' }, { distribution: toRecipients('EUROPOL') }), message).events;
    expect(belongsToBoard(events[1], kind, id)).toBe(belongs);
    expect(boardView(fold('NCB-IT', events), { kind, id, members: [] }).cases.total).toBe(belongs ? 1 : 0);
  });

  it('counts every message of a case once it belongs, the ones before it joined included', () => {
    const caseB = history.events.filter((event) => event.data.message.header.caseId === CASE_B);
    expect(boardView(fold('EUROPOL', caseB.slice(0, 1)), HYDRA).cases.total).toBe(0);
    expect(boardView(fold('EUROPOL', caseB.slice(0, 2)), HYDRA).counts).toEqual({
      byCrimeArea: { migrant_smuggling: 1 },
      byRoute: { eastern: 1 },
      byMessageType: { 'case.assigned': 1, 'case.opened': 1 },
      byPriority: { routine: 2 },
    });
  });
});

describe('board: counting rules', () => {
  it('counts a case once per crime area and route however many reports name them, and messages one by one', () => {
    const board = whenReadBy('NCB-IT', given(
      step('case.opened', exampleMessage('case.opened').body),
      step('case.updated', { crimeAreas: ['migrant_smuggling', 'document_fraud'], route: exampleMessage('case.opened').body.route }),
      step('case.updated', { crimeAreas: ['migrant_smuggling'] }),
    ));
    expect(board.counts.byCrimeArea).toEqual({ document_fraud: 1, migrant_smuggling: 1 });
    expect(board.counts.byRoute).toEqual({ central_mediterranean: 1 });
    expect(board.counts.byMessageType).toEqual({ 'case.opened': 1, 'case.updated': 2 });
    expect(board.counts.byPriority).toEqual({ urgent: 3 });
  });

  it('counts a re-roled person once, under the new role', () => {
    const history = given(
      step('case.opened', { title: 'x', persons: [{ ref: 'P1', role: 'migrant' }, { ref: 'P2', role: 'migrant' }] }),
      step('case.updated', { persons: [{ ref: 'P1', role: 'organiser', familyName: 'DOE' }] }),
    );
    expect(whenReadBy('NCB-IT', history).persons.byRole).toEqual({ migrant: 1, organiser: 1 });
  });

  it('counts persons per case: the same ref in two cases is two persons', () => {
    const history = given(
      step('case.opened', { title: 'x', persons: [{ ref: 'P1', role: 'crew' }] }, { caseId: CASE_A }),
      step('case.opened', { title: 'y', persons: [{ ref: 'P1', role: 'crew' }] }, { caseId: CASE_B }),
    );
    expect(whenReadBy('NCB-IT', history).persons.byRole).toEqual({ crew: 2 });
  });

  it.each([
    ['stolen', true],
    ['lost', true],
    ['forged', true],
    ['counterfeit', true],
    ['impostor_use', true],
    ['genuine', false],
    ['fraudulently_obtained', false],
    ['unknown', false],
  ] as const)('flags a document whose current status is %s: %s', (status: DocumentStatus, flagged) => {
    const board = whenReadBy('NCB-IT', given(step('case.opened', { title: 'x', documents: [{ ref: 'D1', number: 'N1', status }] })));
    expect(board.flaggedDocuments).toEqual(flagged ? [{ caseId: CASE_A, number: 'N1', status }] : []);
  });

  it('drops a document from the flagged ones once its status changes from stolen to genuine', () => {
    const stolen = step('case.opened', { title: 'x', documents: [{ ref: 'D1', type: 'passport', number: 'N1', issuingCountry: 'SY', status: 'stolen' }] });
    expect(whenReadBy('NCB-IT', given(stolen)).flaggedDocuments).toHaveLength(1);
    expect(whenReadBy('NCB-IT', given(stolen, step('case.updated', { documents: [{ ref: 'D1', status: 'genuine' }] }))).flaggedDocuments).toEqual([]);
  });

  it('sums the interceptions of the cases: how many, migrants, deaths, missing', () => {
    const board = whenReadBy('NCB-IT', given(
      step('case.opened', { title: 'x' }),
      step('interception.reported', { occurredAt: '2026-03-12T01:00:00Z', location: { country: 'IT' }, mode: 'sea', conveyance: 'rubber_dinghy', migrants: { count: 40, deaths: 2 } }),
      step('interception.reported', { occurredAt: '2026-03-13T01:00:00Z', location: { country: 'MT' }, mode: 'sea', conveyance: 'fishing_boat', migrants: { count: 60, missing: 7 } }),
    ));
    expect(board.interceptions).toEqual({ total: 2, migrants: 100, deaths: 2, missing: 7 });
  });

  it('counts a closed case as closed', () => {
    const board = whenReadBy('NCB-IT', given(step('case.opened', { title: 'x' }), step('case.closed', { reason: 'convicted' })));
    expect(board.cases).toEqual({ total: 1, open: 0, closed: 1 });
  });
});

describe('board: the state is plain JSON and the fold is deterministic', () => {
  it('gives the same JSON when the same events are folded twice', () => {
    expect(JSON.stringify(fold('NCB-IT', history.events))).toBe(JSON.stringify(fold('NCB-IT', history.events)));
  });

  it('rebuilds to what was built live from a state stored as JSON half-way', () => {
    const live = fold('NCB-IT', history.events);
    const stored = JSON.parse(JSON.stringify(fold('NCB-IT', history.events.slice(0, 4)))) as BoardState;
    const resumed = fold('NCB-IT', history.events.slice(4), stored);
    expect(resumed).toEqual(live);
    expect(boardView(resumed, HYDRA)).toEqual(boardView(live, HYDRA));
  });

  it('counts an event delivered again once', () => {
    const once = fold('NCB-IT', history.events);
    expect(fold('NCB-IT', history.events, once)).toBe(once);
  });
});
