import { exampleMessage, FIXTURE_CASE_ID, fixtureMessageId } from '@cmx/contracts/testing';
import { evolveCaseSummary, type CaseSummary, type CaseSummaryEvent } from './case-summary';
import { given, step, TO_CENTRAL_MED, toRecipients, type CaseHistory } from './testing/case-history';

const opened = step('case.opened', exampleMessage('case.opened').body);

/** when `reader` folds the events it is entitled to, then: its summary of the case */
function whenReadBy(reader: string, history: CaseHistory): CaseSummary | undefined {
  return history.seenBy(reader).reduce<CaseSummary | undefined>(evolveCaseSummary, undefined);
}

describe('case summary: what a case.opened says', () => {
  it('holds the whole report, the owner, the version and the time of the message', () => {
    const history = given(opened);
    expect(whenReadBy('NCB-IT', history)).toEqual({
      caseId: FIXTURE_CASE_ID,
      status: 'open',
      owner: 'NCB-IT',
      version: 1,
      lastActivityAt: history.events[0].data.receivedAt,
      title: 'Rubber dinghy departures from Zuwara',
      summary: 'Departures organised from Zuwara beach towards Lampedusa, paid by hawala.',
      crimeAreas: ['document_fraud', 'migrant_smuggling'],
      route: exampleMessage('case.opened').body.route,
      persons: exampleMessage('case.opened').body.persons,
      documents: [{ ref: 'D1', type: 'passport', number: 'X1234567', issuingCountry: 'SY', status: 'stolen', holderRef: 'P1' }],
      vehicles: [{ ref: 'V1', plate: 'AB123CD', registrationCountry: 'BG', kind: 'lorry' }],
      vessels: [{ ref: 'S1', name: 'AL AMAL', imo: '9123456', mmsi: '642123456', flag: 'LY', kind: 'fishing_boat' }],
      locations: [{ ref: 'L1', kind: 'departure_point', name: 'Zuwara beach', country: 'LY', lat: 32.93, lon: 12.08 }],
      payments: exampleMessage('case.opened').body.payments,
      migrants: { count: 38, minors: 6, deaths: 0, missing: 2, nationalities: ['ER', 'SD'] },
      interceptions: [],
      linkedCases: [],
      operations: ['OP-HYDRA-2026'],
      taskForces: [],
      closedReason: null,
    });
  });
});

describe('case summary: merging reports', () => {
  const history = given(
    opened,
    step('case.updated', {
      summary: 'The organiser turns out to lead the network.',
      crimeAreas: ['migrant_smuggling', 'money_laundering'],
      route: { name: 'western_mediterranean', legs: [{ from: { country: 'MA' }, to: { country: 'ES' }, mode: 'sea', conveyance: 'rubber_dinghy' }] },
      persons: [
        { ref: 'P1', role: 'leader' },
        { ref: 'P3', role: 'driver' },
      ],
      documents: [{ ref: 'D1', status: 'genuine' }],
      payments: [{ method: 'cash', amount: 500, currency: 'EUR', payerRef: 'P2', payeeRef: 'P3' }],
      migrants: { count: 45 },
    }),
    step('information.requested', { question: 'Is AL AMAL known to you?', to: ['NCB-GR'] }),
    step(
      'information.provided',
      {
        vessels: [
          { ref: 'S1', flag: 'TN' },
          { ref: 'S2', name: 'NOUR' },
        ],
      },
      { inReplyTo: fixtureMessageId(3) },
    ),
  );
  const summary = whenReadBy('NCB-IT', history)!;

  it('merges an item with a known ref field by field, and adds new refs after the known ones', () => {
    expect(summary.persons.map(({ ref, role, familyName }) => ({ ref, role, familyName }))).toEqual([
      { ref: 'P1', role: 'leader', familyName: 'DOE' },
      { ref: 'P2', role: 'migrant', familyName: undefined },
      { ref: 'P3', role: 'driver', familyName: undefined },
    ]);
    expect(summary.documents).toEqual([{ ref: 'D1', type: 'passport', number: 'X1234567', issuingCountry: 'SY', status: 'genuine', holderRef: 'P1' }]);
    expect(summary.vessels).toEqual([
      { ref: 'S1', name: 'AL AMAL', imo: '9123456', mmsi: '642123456', flag: 'TN', kind: 'fishing_boat' },
      { ref: 'S2', name: 'NOUR' },
    ]);
  });

  it('appends payments, which have no ref', () => {
    expect(summary.payments.map((payment) => payment.amount)).toEqual([3500, 500]);
  });

  it('keeps every crime area once, takes the latest route, summary and migrants, and keeps a title no update repeats', () => {
    expect(summary.crimeAreas).toEqual(['document_fraud', 'migrant_smuggling', 'money_laundering']);
    expect(summary.route?.name).toBe('western_mediterranean');
    expect(summary.summary).toBe('The organiser turns out to lead the network.');
    expect(summary.migrants).toEqual({ count: 45 });
    expect(summary.title).toBe('Rubber dinghy departures from Zuwara');
  });

  it('stands at the version and time of the last message', () => {
    expect(summary.version).toBe(4);
    expect(summary.lastActivityAt).toBe(history.events[3].data.receivedAt);
  });
});

describe('case summary: interceptions, links, groups, closing', () => {
  it('lists each interception with its migrants, deaths and missing', () => {
    const history = given(
      opened,
      step('interception.reported', exampleMessage('interception.reported').body),
      step('interception.reported', {
        occurredAt: '2026-03-13T01:00:00Z',
        location: { country: 'IT' },
        mode: 'sea',
        conveyance: 'rubber_dinghy',
        migrants: { count: 12 },
      }),
    );
    expect(whenReadBy('NCB-IT', history)!.interceptions).toEqual([
      { occurredAt: '2026-03-12T04:15:00+01:00', migrants: 41, deaths: 1, missing: 3 },
      { occurredAt: '2026-03-13T01:00:00Z', migrants: 12, deaths: 0, missing: 0 },
    ]);
  });

  it('lists each linked case and relation once', () => {
    const history = given(
      opened,
      step('case.linked', { otherCaseId: 'GR-2026-77', relation: 'same_network' }),
      step('case.linked', { otherCaseId: 'GR-2026-77', relation: 'same_network', note: 'Confirmed.' }),
      step('case.linked', { otherCaseId: 'GR-2026-77', relation: 'same_person' }),
    );
    expect(whenReadBy('NCB-IT', history)!.linkedCases).toEqual([
      { otherCaseId: 'GR-2026-77', relation: 'same_network' },
      { otherCaseId: 'GR-2026-77', relation: 'same_person' },
    ]);
  });

  it('belongs to the operations and task forces it is assigned or distributed to', () => {
    const history = given(
      step('case.opened', { title: 'Zuwara' }, { distribution: toRecipients('EUROPOL') }),
      step('case.assigned', { operationId: 'OP-OTHER' }, { distribution: toRecipients('EUROPOL') }),
      step('case.updated', { summary: 'to the task force' }, { distribution: TO_CENTRAL_MED }),
    );
    expect(whenReadBy('NCB-IT', history)).toMatchObject({ operations: ['OP-OTHER'], taskForces: ['OTF-CENTRAL-MED'] });
  });

  it('is closed, with the reason, by case.closed', () => {
    const summary = whenReadBy('NCB-IT', given(opened, step('case.closed', { reason: 'dismantled' })))!;
    expect(summary).toMatchObject({ status: 'closed', closedReason: 'dismantled', version: 2 });
  });
});

describe('case summary: one reader, its messages only', () => {
  const history = given(
    step('case.opened', { title: 'Secret title', persons: [{ ref: 'P1', role: 'organiser' }] }, { distribution: toRecipients('NCB-GR') }),
    step('case.updated', { summary: 'Shared with Hydra.', persons: [{ ref: 'P2', role: 'migrant' }] }),
  );

  it('holds nothing of a message the reader is not entitled to, not even the owner', () => {
    expect(whenReadBy('EUROPOL', history)).toMatchObject({
      owner: null,
      title: null,
      summary: 'Shared with Hydra.',
      persons: [{ ref: 'P2', role: 'migrant' }],
      version: 2,
      operations: ['OP-HYDRA-2026'],
    });
    expect(whenReadBy('NCB-GR', history)).toMatchObject({ owner: 'NCB-IT', title: 'Secret title', summary: null, version: 1, operations: [] });
    expect(whenReadBy('FRONTEX', history)).toBeUndefined();
  });
});

describe('case summary: folding is deterministic and idempotent', () => {
  const history = given(opened, step('case.updated', exampleMessage('case.updated').body), step('case.closed', { reason: 'convicted' }));
  const fold = (events: readonly CaseSummaryEvent[], from?: CaseSummary) => events.reduce(evolveCaseSummary, from);

  it('gives the same JSON folded twice, and the same when resumed from a stored (JSON) summary', () => {
    const whole = fold(history.events);
    const stored = JSON.parse(JSON.stringify(fold(history.events.slice(0, 1)))) as CaseSummary;
    expect(JSON.stringify(fold(history.events))).toBe(JSON.stringify(whole));
    expect(fold(history.events.slice(1), stored)).toEqual(whole);
  });

  it('ignores a message it has folded already', () => {
    const summary = fold(history.events.slice(0, 2))!;
    expect(evolveCaseSummary(summary, history.events[0])).toBe(summary);
    expect(evolveCaseSummary(summary, history.events[1])).toBe(summary);
  });
});
