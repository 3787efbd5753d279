import type { DocumentStatus } from '@cmx/contracts';
import { exampleMessage } from '@cmx/contracts/testing';
import {
  belongsToBoard,
  boardItemsOf,
  boardList,
  boardView,
  evolveBoard,
  initialBoardState,
  RECENT_ITEMS,
  RECENT_LIST_MAX_BYTES,
  recentWithin,
  type Board,
  type BoardKind,
  type BoardState,
} from './board';
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
  step(
    'case.updated',
    {
      crimeAreas: ['migrant_smuggling'],
      persons: [{ ref: 'P2', role: 'facilitator' }],
      documents: [
        { ref: 'D1', status: 'genuine' },
        { ref: 'D2', type: 'id_card', number: 'ID-77', issuingCountry: 'ER', status: 'forged', holderRef: 'P2' },
      ],
    },
    { caseId: CASE_A, priority: 'routine' },
  ),
  step('interception.reported', exampleMessage('interception.reported').body, { caseId: CASE_A, priority: 'immediate' }),
  step(
    'case.updated',
    {
      persons: [{ ref: 'P4', role: 'driver' }],
      documents: [{ ref: 'D3', type: 'passport', number: 'Y1', status: 'lost' }],
    },
    { caseId: CASE_A, priority: 'routine', distribution: toRecipients('NCB-GR') },
  ),
  step(
    'case.opened',
    {
      title: 'Lorry crossings',
      crimeAreas: ['migrant_smuggling'],
      route: { name: 'eastern', legs: [{ from: { country: 'TR' }, to: { country: 'BG' }, mode: 'land', conveyance: 'lorry' }] },
      persons: [{ ref: 'P1' }],
      vehicles: [{ ref: 'V9', plate: 'CB1234', registrationCountry: 'BG' }],
      locations: [{ ref: 'L9', kind: 'border_crossing', country: 'BG' }],
    },
    { caseId: CASE_B, priority: 'routine', distribution: toRecipients('EUROPOL') },
  ),
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
      // Newest first: case B's last message is later than case A's; within a case, the item mentioned last first.
      flaggedDocuments: {
        total: 2,
        recent: [
          { caseId: CASE_A, type: 'passport', number: 'Y1', status: 'lost' },
          { caseId: CASE_A, personRef: 'P2', type: 'id_card', number: 'ID-77', issuingCountry: 'ER', status: 'forged' },
        ],
      },
      vessels: { total: 1, recent: [{ caseId: CASE_A, name: 'AL AMAL', imo: '9123456', flag: 'LY' }] },
      vehicles: {
        total: 2,
        recent: [
          { caseId: CASE_B, plate: 'CB1234', registrationCountry: 'BG' },
          { caseId: CASE_A, plate: 'AB123CD', registrationCountry: 'BG' },
        ],
      },
      locations: {
        total: 2,
        recent: [
          { caseId: CASE_B, kind: 'border_crossing', country: 'BG' },
          { caseId: CASE_A, kind: 'departure_point', name: 'Zuwara beach', country: 'LY', lat: 32.93, lon: 12.08 },
        ],
      },
      interceptions: { total: 1, migrants: 41, deaths: 1, missing: 3 },
      lastActivityAt: history.events[6].data.receivedAt,
    });
  });

  it('gives a reader entitled to fewer messages smaller counts, and never folds a message it is not entitled to', () => {
    const europol = whenReadBy('EUROPOL', history);
    expect(europol.counts.byMessageType).toEqual({ 'case.assigned': 1, 'case.closed': 1, 'case.opened': 2, 'case.updated': 1, 'interception.reported': 1 });
    expect(europol.persons.byRole).toEqual({ facilitator: 1, organiser: 1, unknown: 1 });
    expect(europol.flaggedDocuments.recent.map((document) => document.number)).toEqual(['ID-77']);
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
    [
      'a case.assigned naming it',
      'operation',
      'OP-HYDRA-2026',
      true,
      step('case.assigned', { operationId: 'OP-HYDRA-2026' }, { distribution: toRecipients('EUROPOL') }),
    ],
    [
      'a case.assigned naming it',
      'taskForce',
      'OTF-CENTRAL-MED',
      true,
      step('case.assigned', { taskForceId: 'OTF-CENTRAL-MED' }, { distribution: toRecipients('EUROPOL') }),
    ],
    ['a message distributed to it', 'operation', 'OP-HYDRA-2026', true, step('case.updated', { summary: 'x' }, { distribution: TO_HYDRA })],
    ['a message distributed to it', 'taskForce', 'OTF-CENTRAL-MED', true, step('case.updated', { summary: 'x' }, { distribution: TO_CENTRAL_MED })],
    [
      'a case.assigned naming another operation',
      'operation',
      'OP-HYDRA-2026',
      false,
      step('case.assigned', { operationId: 'OP-OTHER' }, { distribution: toRecipients('EUROPOL') }),
    ],
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
    const board = whenReadBy(
      'NCB-IT',
      given(
        step('case.opened', exampleMessage('case.opened').body),
        step('case.updated', { crimeAreas: ['migrant_smuggling', 'document_fraud'], route: exampleMessage('case.opened').body.route }),
        step('case.updated', { crimeAreas: ['migrant_smuggling'] }),
      ),
    );
    expect(board.counts.byCrimeArea).toEqual({ document_fraud: 1, migrant_smuggling: 1 });
    expect(board.counts.byRoute).toEqual({ central_mediterranean: 1 });
    expect(board.counts.byMessageType).toEqual({ 'case.opened': 1, 'case.updated': 2 });
    expect(board.counts.byPriority).toEqual({ urgent: 3 });
  });

  it('counts a re-roled person once, under the new role', () => {
    const history = given(
      step('case.opened', {
        title: 'x',
        persons: [
          { ref: 'P1', role: 'migrant' },
          { ref: 'P2', role: 'migrant' },
        ],
      }),
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
    expect(board.flaggedDocuments).toEqual(flagged ? { total: 1, recent: [{ caseId: CASE_A, number: 'N1', status }] } : { total: 0, recent: [] });
  });

  it('drops a document from the flagged ones once its status changes from stolen to genuine', () => {
    const stolen = step('case.opened', { title: 'x', documents: [{ ref: 'D1', type: 'passport', number: 'N1', issuingCountry: 'SY', status: 'stolen' }] });
    expect(whenReadBy('NCB-IT', given(stolen)).flaggedDocuments.total).toBe(1);
    expect(whenReadBy('NCB-IT', given(stolen, step('case.updated', { documents: [{ ref: 'D1', status: 'genuine' }] }))).flaggedDocuments).toEqual({
      total: 0,
      recent: [],
    });
  });

  it('sums the interceptions of the cases: how many, migrants, deaths, missing', () => {
    const board = whenReadBy(
      'NCB-IT',
      given(
        step('case.opened', { title: 'x' }),
        step('interception.reported', {
          occurredAt: '2026-03-12T01:00:00Z',
          location: { country: 'IT' },
          mode: 'sea',
          conveyance: 'rubber_dinghy',
          migrants: { count: 40, deaths: 2 },
        }),
        step('interception.reported', {
          occurredAt: '2026-03-13T01:00:00Z',
          location: { country: 'MT' },
          mode: 'sea',
          conveyance: 'fishing_boat',
          migrants: { count: 60, missing: 7 },
        }),
      ),
    );
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

describe('board: the lists of its cases, newest first (the sub-resources)', () => {
  const lists = (reader: string, events = history.events) => fold(reader, events);

  it('lists every document of the board, flagged or not, with its holder as personRef; filters by status, flagged and type', () => {
    const state = lists('NCB-IT');
    expect(boardList(state, HYDRA, 'documents')).toEqual([
      { caseId: CASE_A, type: 'passport', number: 'Y1', status: 'lost' },
      { caseId: CASE_A, personRef: 'P2', type: 'id_card', number: 'ID-77', issuingCountry: 'ER', status: 'forged' },
      { caseId: CASE_A, personRef: 'P1', type: 'passport', number: 'X1234567', issuingCountry: 'SY', status: 'genuine' },
    ]);
    expect(boardList(state, HYDRA, 'documents', { status: 'flagged' }).map((document) => document.number)).toEqual(['Y1', 'ID-77']);
    expect(boardList(state, HYDRA, 'documents', { status: 'genuine' }).map((document) => document.number)).toEqual(['X1234567']);
    expect(boardList(state, HYDRA, 'documents', { type: 'id_card' }).map((document) => document.number)).toEqual(['ID-77']);
    expect(boardList(state, HYDRA, 'documents', { status: 'flagged', type: 'visa' })).toEqual([]);
    expect(boardView(state, HYDRA).flaggedDocuments.recent).toEqual(boardList(state, HYDRA, 'documents', { status: 'flagged' }));
  });

  it('lists persons by ref, role and nationalities only: no name, date of birth, alias or identifier; filters by role, none being unknown', () => {
    const state = lists('NCB-IT');
    const persons = boardList(state, HYDRA, 'persons');
    expect(persons.map((person) => [person.caseId, person.ref, person.role])).toEqual([
      [CASE_B, 'P1', undefined],
      [CASE_A, 'P4', 'driver'],
      [CASE_A, 'P2', 'facilitator'],
      [CASE_A, 'P1', 'organiser'],
    ]);
    for (const person of persons) expect(Object.keys(person).filter((key) => !['caseId', 'ref', 'role', 'nationalities'].includes(key))).toEqual([]);
    const summaryOfA = state.cases[CASE_A].summary;
    expect(JSON.stringify(summaryOfA.persons)).toMatch(/familyName|dateOfBirth/);
    expect(JSON.stringify(persons)).not.toMatch(/familyName|givenNames|dateOfBirth|aliases|identifiers/);
    expect(boardList(state, HYDRA, 'persons', { role: 'unknown' })).toEqual([{ caseId: CASE_B, ref: 'P1' }]);
    expect(boardList(state, HYDRA, 'persons', { role: 'driver' }).map((person) => person.ref)).toEqual(['P4']);
  });

  it('lists interceptions with the case summary’s figures, vessels and vehicles with the board’s fields, locations by kind', () => {
    const state = lists('NCB-IT');
    expect(boardList(state, HYDRA, 'interceptions')).toEqual([{ caseId: CASE_A, ...state.cases[CASE_A].summary.interceptions[0] }]);
    expect(boardList(state, HYDRA, 'vessels')).toEqual([{ caseId: CASE_A, name: 'AL AMAL', imo: '9123456', flag: 'LY' }]);
    expect(boardList(state, HYDRA, 'locations', { kind: 'border_crossing' })).toEqual([{ caseId: CASE_B, kind: 'border_crossing', country: 'BG' }]);
    expect(boardList(state, HYDRA, 'locations', { located: true }).map((location) => location.name)).toEqual(['Zuwara beach']);
    expect(boardList(state, CENTRAL_MED, 'locations')).toEqual([]);
  });

  it('orders by the case’s last activity, then case id, then the item’s place in the case, each descending', () => {
    const at = '2026-03-01T10:00:00.000Z';
    const sameTime = given(
      step(
        'case.opened',
        {
          title: 'x',
          vessels: [
            { ref: 'S1', name: 'ONE' },
            { ref: 'S2', name: 'TWO' },
          ],
        },
        { caseId: CASE_A, receivedAt: at },
      ),
      step('case.opened', { title: 'y', vessels: [{ ref: 'S1', name: 'THREE' }] }, { caseId: CASE_B, receivedAt: at }),
      step('case.opened', { title: 'z', vessels: [{ ref: 'S1', name: 'FOUR' }] }, { caseId: CASE_C, receivedAt: '2026-03-01T09:00:00.000Z' }),
    );
    expect(boardList(fold('NCB-IT', sameTime.events), HYDRA, 'vessels').map((vessel) => vessel.name)).toEqual(['THREE', 'TWO', 'ONE', 'FOUR']);
  });

  it('shows an erased or restricted person, and a document it holds, as the case summary does: nothing but the ref and that it is withheld', () => {
    const { summary } = lists('NCB-IT').cases[CASE_A];
    const afterErasure = {
      ...summary,
      persons: summary.persons.map((person) =>
        person.ref === 'P2' ? ({ ref: 'P2', erased: true } as never) : person.ref === 'P4' ? ({ ref: 'P4', restricted: true } as never) : person,
      ),
      documents: summary.documents.map((document) => (document.ref === 'D2' ? ({ ref: 'D2', erased: true } as never) : document)),
    };
    const items = boardItemsOf(afterErasure).filter((item) => item.list === 'persons' || item.list === 'documents');
    expect(items.map((item) => [item.list, item.fields])).toEqual([
      ['documents', { personRef: 'P1', type: 'passport', number: 'X1234567', issuingCountry: 'SY', status: 'genuine' }],
      ['documents', { erased: true }],
      ['documents', { type: 'passport', number: 'Y1', status: 'lost' }],
      ['persons', { ref: 'P1', role: 'organiser', nationalities: summary.persons[0].nationalities }],
      ['persons', { ref: 'P2', erased: true }],
      ['persons', { ref: 'P4', restricted: true }],
    ]);
    expect(items.find((item) => item.fields.erased && item.list === 'persons')?.facet).toBe('unknown');
  });

  it('shows at most 20 recent items of a list, fewer when their JSON would pass RECENT_LIST_MAX_BYTES', () => {
    const short = Array.from({ length: 30 }, (_, index) => ({ caseId: CASE_A, name: `V${index}` }));
    expect(recentWithin(short)).toEqual(short.slice(0, RECENT_ITEMS));
    const long = Array.from({ length: 30 }, (_, index) => ({ caseId: CASE_A, name: `${index}${'\u0001'.repeat(199)}` }));
    const recent = recentWithin(long);
    expect(recent).toEqual(long.slice(0, recent.length));
    expect(recent.length).toBeLessThan(RECENT_ITEMS);
    expect(Buffer.byteLength(JSON.stringify(recent))).toBeLessThanOrEqual(RECENT_LIST_MAX_BYTES);
    expect(Buffer.byteLength(JSON.stringify(long.slice(0, recent.length + 1)))).toBeGreaterThan(RECENT_LIST_MAX_BYTES);
  });

  it('keeps the board answer under 64 KiB whatever its cases hold: 200-character names in every list of 40 cases', () => {
    const name = (index: number) => `${index}`.padEnd(200, '\u0001');
    const events = given(
      ...Array.from({ length: 40 }, (_, index) =>
        step(
          'case.opened',
          {
            title: 'x',
            documents: [{ ref: 'D1', type: 'passport', number: name(index), status: 'stolen', holderRef: 'P1' }],
            persons: [{ ref: 'P1', role: 'migrant', familyName: name(index) }],
            vessels: [{ ref: 'S1', name: name(index) }],
            vehicles: [{ ref: 'V1', plate: name(index) }],
            locations: [{ ref: 'L1', name: name(index), lat: 1, lon: 2 }],
          },
          { caseId: `IT-2026-${String(index + 1).padStart(12, '0')}` },
        ),
      ),
    ).events;
    const board = boardView(fold('NCB-IT', events), HYDRA);
    expect(board.vessels.total).toBe(40);
    expect(board.vessels.recent.length).toBeGreaterThan(0);
    expect(Buffer.byteLength(JSON.stringify(board))).toBeLessThan(64 * 1024);
  });
});
