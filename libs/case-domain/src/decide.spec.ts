import type { CmfMessage, MessageType } from '@cmx/contracts';
import { randomUUID } from 'node:crypto';
import {
  CaseAlreadyExists,
  CaseIsClosed,
  CaseNotFound,
  CaseVersionMismatch,
  DistributionResolvesToNobody,
  NotEntitledToCase,
  SenderIsNotCaller,
  UnknownPersonRef,
  UnknownReference,
} from './case-errors';
import type { CaseEvent } from './case-events';
import { CaseState, evolve, initialCaseState } from './case-state';
import { decide } from './decide';
import type { ExchangeDirectory } from './exchange-directory';

const directory: ExchangeDirectory = {
  hasParty: (code) => ['NCB-IT', 'NCB-GR', 'NCB-NE', 'EUROPOL', 'FRONTEX'].includes(code),
  allPartyCodes: () => ['EUROPOL', 'FRONTEX', 'NCB-GR', 'NCB-IT', 'NCB-NE'],
  operationMembers: (id) => ({ 'OP-HYDRA-2026': ['EUROPOL', 'NCB-IT'], 'OP-SOLO': ['NCB-IT'] })[id],
  taskForceMembers: (id) => ({ 'OTF-CENTRAL-MED': ['FRONTEX', 'NCB-GR', 'NCB-IT'] })[id],
};

const receivedAt = new Date('2026-03-14T09:30:00Z');
const CASE_ID = 'IT-2026-000123';

function message(type: MessageType, body: object, header: Partial<CmfMessage['header']> = {}): CmfMessage {
  return {
    header: {
      messageId: randomUUID(),
      schemaVersion: '1.0',
      type,
      sender: 'NCB-IT',
      sentAt: '2026-03-14T09:29:00Z',
      caseId: CASE_ID,
      priority: 'urgent',
      handling: { code: 'H2' },
      distribution: { scope: 'operation', operations: ['OP-HYDRA-2026'] },
      evaluation: { source: 'B', information: '2' },
      ...header,
    },
    body,
  } as CmfMessage;
}

const opened = (header: Partial<CmfMessage['header']> = {}) =>
  message('case.opened', { title: 'Zuwara departures', persons: [{ ref: 'P1', role: 'organiser' }] }, header);

/** given the events, when the message is submitted by the caller, then: the events decided or the error thrown */
function given(...history: CaseEvent[]) {
  const state = history.reduce(evolve, initialCaseState);
  return {
    state,
    when: (submitted: CmfMessage, caller = submitted.header.sender) => {
      const run = () => decide({ message: submitted, caller, receivedAt, directory }, state);
      return { then: run, thenFails: (error: new (...args: never[]) => Error) => expect(run).toThrow(error) };
    },
  };
}

const accepted = (submitted: CmfMessage, state: CaseState = initialCaseState): CaseEvent =>
  decide({ message: submitted, caller: submitted.header.sender, receivedAt, directory }, state)[0];

describe('decide: the life of a case', () => {
  it('opens a case: one CaseOpened with the entitlement resolved and stored', () => {
    const [event] = given().when(opened()).then();
    expect(event.type).toBe('CaseOpened');
    expect(event.data.entitledParties).toEqual(['EUROPOL', 'NCB-IT']);
    expect(event.data.receivedAt).toBe('2026-03-14T09:30:00.000Z');
    expect(event.metadata).toEqual({ messageId: event.metadata.messageId, caseId: CASE_ID, sender: 'NCB-IT' });
  });

  it.each([
    ['case.updated', { summary: 'more' }, 'CaseUpdated'],
    ['case.linked', { otherCaseId: 'GR-2026-7', relation: 'same_network' }, 'CaseLinked'],
    ['case.assigned', { operationId: 'OP-HYDRA-2026' }, 'CaseAssigned'],
    ['interception.reported', { occurredAt: '2026-03-14T01:00:00Z', migrants: { count: 40 }, arrestedPersonIds: ['P1'] }, 'InterceptionReported'],
    ['information.requested', { question: 'Who owns the boat?', to: ['NCB-GR'] }, 'InformationRequested'],
    ['case.closed', { reason: 'dismantled' }, 'CaseClosed'],
  ] as const)('takes %s on an open case as %s', (type, body, eventType) => {
    const [event] = given(accepted(opened())).when(message(type, body)).then();
    expect(event.type).toBe(eventType);
  });

  it('refuses to open a case that exists (409)', () => {
    given(accepted(opened())).when(opened()).thenFails(CaseAlreadyExists);
  });

  it.each(['case.updated', 'case.linked', 'case.closed'] as const)('refuses %s on a missing case (404)', (type) => {
    given().when(message(type, {})).thenFails(CaseNotFound);
  });

  it('refuses anything on a closed case (409)', () => {
    const history = [accepted(opened())];
    history.push(accepted(message('case.closed', { reason: 'convicted' }), history.reduce(evolve, initialCaseState)));
    given(...history)
      .when(message('case.updated', { summary: 'late' }))
      .thenFails(CaseIsClosed);
  });

  it('refuses a stale expectedCaseVersion with the current version (409)', () => {
    const run = given(accepted(opened())).when(message('case.updated', { summary: 'x' }, { expectedCaseVersion: 0 }));
    try {
      run.then();
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(CaseVersionMismatch);
      expect((error as CaseVersionMismatch).currentVersion).toBe(1);
    }
  });

  it('takes the right expectedCaseVersion', () => {
    expect(
      given(accepted(opened()))
        .when(message('case.updated', { summary: 'x' }, { expectedCaseVersion: 1 }))
        .then(),
    ).toHaveLength(1);
  });

  it('refuses a sender that is not the authenticated party (403)', () => {
    given().when(opened(), 'NCB-GR').thenFails(SenderIsNotCaller);
  });
});

describe('decide: who may write to a case', () => {
  const history = [accepted(opened())];

  it('lets a party entitled to one of its messages write', () => {
    const update = message('case.updated', { summary: 'Europol adds' }, { sender: 'EUROPOL' });
    expect(
      given(...history)
        .when(update)
        .then()[0].data.entitledParties,
    ).toEqual(['EUROPOL', 'NCB-IT']);
  });

  it('refuses a party entitled to none of its messages (403)', () => {
    given(...history)
      .when(message('case.updated', { summary: 'x' }, { sender: 'FRONTEX' }))
      .thenFails(NotEntitledToCase);
  });

  it('lets a party in once a message is distributed to it', () => {
    const widened = [...history];
    widened.push(
      accepted(
        message('case.updated', { summary: 'to the OTF' }, { distribution: { scope: 'taskForce', taskForces: ['OTF-CENTRAL-MED'] } }),
        widened.reduce(evolve, initialCaseState),
      ),
    );
    expect(
      given(...widened)
        .when(message('case.updated', { summary: 'Frontex adds' }, { sender: 'FRONTEX' }))
        .then(),
    ).toHaveLength(1);
  });
});

describe('decide: distribution, fail closed', () => {
  it.each([
    [{ scope: 'recipients', recipients: ['NCB-GR', 'FRONTEX'] }, ['FRONTEX', 'NCB-GR', 'NCB-IT']],
    [{ scope: 'taskForce', taskForces: ['OTF-CENTRAL-MED'] }, ['FRONTEX', 'NCB-GR', 'NCB-IT']],
    [{ scope: 'operation', operations: ['OP-HYDRA-2026', 'OP-SOLO'] }, ['EUROPOL', 'NCB-IT']],
    [{ scope: 'allPartners' }, ['EUROPOL', 'FRONTEX', 'NCB-GR', 'NCB-IT', 'NCB-NE']],
  ])('resolves %j to the entitled parties plus the sender', (distribution, parties) => {
    expect(
      given()
        .when(opened({ distribution } as never))
        .then()[0].data.entitledParties,
    ).toEqual(parties);
  });

  it.each([
    [{ scope: 'recipients', recipients: ['NCB-XX'] }],
    [{ scope: 'operation', operations: ['OP-UNKNOWN'] }],
    [{ scope: 'taskForce', taskForces: ['OTF-NOWHERE'] }],
  ])('refuses %j, which names something unknown (400)', (distribution) => {
    given()
      .when(opened({ distribution } as never))
      .thenFails(UnknownReference);
  });

  it.each([[{ scope: 'recipients', recipients: ['NCB-IT'] }], [{ scope: 'operation', operations: ['OP-SOLO'] }]])(
    'refuses %j, which resolves to nobody but the sender',
    (distribution) => {
      given()
        .when(opened({ distribution } as never))
        .thenFails(DistributionResolvesToNobody);
    },
  );
});

describe('decide: references inside the case', () => {
  const history = [accepted(opened())];

  it('takes references to persons of earlier messages and of the message itself', () => {
    const update = message('case.updated', {
      persons: [{ ref: 'P2', role: 'migrant' }],
      documents: [{ ref: 'D1', type: 'passport', holderRef: 'P1' }],
      payments: [{ method: 'hawala', payerRef: 'P2', payeeRef: 'P1' }],
    });
    expect(
      given(...history)
        .when(update)
        .then(),
    ).toHaveLength(1);
  });

  it('refuses a reference to a person the case does not hold (400), naming every path', () => {
    const update = message('case.updated', { documents: [{ ref: 'D1', type: 'passport', holderRef: 'P9' }], payments: [{ method: 'cash', payeeRef: 'P8' }] });
    try {
      given(...history)
        .when(update)
        .then();
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(UnknownPersonRef);
      expect((error as UnknownPersonRef).details).toEqual([
        expect.objectContaining({ path: 'body.documents[0].holderRef' }),
        expect.objectContaining({ path: 'body.payments[0].payeeRef' }),
      ]);
    }
  });

  it('refuses arrested persons the case does not hold', () => {
    const interception = message('interception.reported', { occurredAt: '2026-03-14T01:00:00Z', migrants: { count: 3 }, arrestedPersonIds: ['P7'] });
    given(...history)
      .when(interception)
      .thenFails(UnknownPersonRef);
  });

  it('refuses an assignment to an unknown operation or task force, and a request to an unknown party', () => {
    given(...history)
      .when(message('case.assigned', { operationId: 'OP-NOPE' }))
      .thenFails(UnknownReference);
    given(...history)
      .when(message('case.assigned', { taskForceId: 'OTF-NOPE' }))
      .thenFails(UnknownReference);
    given(...history)
      .when(message('information.requested', { question: '?', to: ['NCB-ZZ'] }))
      .thenFails(UnknownReference);
  });

  it('takes information.provided only in reply to a request of the case', () => {
    const request = message('information.requested', { question: 'Who?', to: ['EUROPOL'] });
    const withRequest = [...history, accepted(request, history.reduce(evolve, initialCaseState))];
    const reply = (inReplyTo: string) => message('information.provided', { summary: 'This one' }, { sender: 'EUROPOL', inReplyTo });
    expect(
      given(...withRequest)
        .when(reply(request.header.messageId.toUpperCase()))
        .then()[0].type,
    ).toBe('InformationProvided');
    given(...withRequest)
      .when(reply(randomUUID()))
      .thenFails(UnknownReference);
  });
});

describe('evolve', () => {
  it('counts versions, keeps the owner and the participants, and closes', () => {
    const first = accepted(opened());
    let state = evolve(initialCaseState, first);
    expect(state).toMatchObject({ status: 'open', version: 1, owner: 'NCB-IT' });
    expect([...state.participants]).toEqual(['EUROPOL', 'NCB-IT']);
    expect([...state.personRefs]).toEqual(['P1']);
    state = evolve(state, accepted(message('case.closed', { reason: 'dismantled' }), state));
    expect(state).toMatchObject({ status: 'closed', version: 2, owner: 'NCB-IT' });
  });
});

describe('decide: the case facets stored with each message (what subscriptions match)', () => {
  it('stores the crime areas, route, operations and task forces a case has had so far', () => {
    const first = accepted(message('case.opened', { title: 't', crimeAreas: ['migrant_smuggling'], route: { name: 'central_mediterranean' } }));
    expect(first.data.caseFacets).toEqual({
      crimeAreas: ['migrant_smuggling'],
      routes: ['central_mediterranean'],
      operations: ['OP-HYDRA-2026'],
      taskForces: [],
    });
    const history = [first];
    history.push(accepted(message('case.assigned', { taskForceId: 'OTF-CENTRAL-MED' }), history.reduce(evolve, initialCaseState)));
    const [update] = given(...history)
      .when(message('case.updated', { crimeAreas: ['document_fraud'] }, { distribution: { scope: 'recipients', recipients: ['NCB-GR'] } }))
      .then();
    expect(update.data.caseFacets).toEqual({
      crimeAreas: ['document_fraud', 'migrant_smuggling'],
      routes: ['central_mediterranean'],
      operations: ['OP-HYDRA-2026'],
      taskForces: ['OTF-CENTRAL-MED'],
    });
  });

  it('keeps the facets stored with an event when folding it, so a replay sees what acceptance saw', () => {
    const event = accepted(opened());
    const stored = { ...event, data: { ...event.data, caseFacets: { crimeAreas: ['terrorism'], routes: [], operations: [], taskForces: [] } } };
    expect(evolve(initialCaseState, stored).facets.crimeAreas).toEqual(['terrorism']);
  });

  it('folds the facets from the message for events stored before facets existed', () => {
    const event = accepted(message('case.opened', { title: 't', crimeAreas: ['drug_trafficking'] }));
    const { caseFacets: _ignored, ...older } = event.data;
    expect(evolve(initialCaseState, { ...event, data: older }).facets.crimeAreas).toEqual(['drug_trafficking']);
  });
});
