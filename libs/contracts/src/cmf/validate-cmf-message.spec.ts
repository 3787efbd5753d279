import {
  exampleHeader,
  exampleMessage,
  FIXTURE_CASE_ID,
  FIXTURE_NOW,
  fixtureMessageId,
  parsePath,
  realisticCaseOpened,
  withoutField,
  withValue,
} from '../testing';
import { validateCmfMessage } from './validate-cmf-message';
import {
  CLOSE_REASONS,
  CONVEYANCES,
  CRIME_AREAS,
  DISTRIBUTION_SCOPES,
  DOCUMENT_STATUSES,
  DOCUMENT_TYPES,
  EVALUATION_INFORMATION,
  EVALUATION_SOURCES,
  GENDERS,
  HANDLING_CODES,
  IDENTIFIER_TYPES,
  LINK_RELATIONS,
  LOCATION_KINDS,
  MESSAGE_TYPES,
  MessageType,
  MODES,
  PAYMENT_METHODS,
  PAYMENT_STAGES,
  PERSON_ROLES,
  PRIORITIES,
  ROUTE_NAMES,
} from './vocabularies';

type FoundViolation = { path: string; rule: string };

/** The violations of `input` without their messages; [] when it is valid. */
function violationsOf(input: unknown, now: Date = FIXTURE_NOW): FoundViolation[] {
  const result = validateCmfMessage(input, { now });
  return result.ok ? [] : result.violations.map(({ path, rule }) => ({ path, rule }));
}

const opened = () => exampleMessage('case.opened');

describe('validateCmfMessage', () => {
  describe('valid messages', () => {
    it.each(MESSAGE_TYPES)('accepts a complete %s and returns the input itself, unchanged', (type) => {
      const input = exampleMessage(type);
      const before = structuredClone(input);
      const result = validateCmfMessage(input, { now: FIXTURE_NOW });
      expect(result).toEqual({ ok: true, message: before });
      expect(result.ok && result.message).toBe(input);
      expect(input).toEqual(before);
    });

    it('accepts a realistic case.opened', () => {
      const message = realisticCaseOpened('IT-2026-42', fixtureMessageId(42), 'NCB-IT', FIXTURE_NOW);
      expect(violationsOf(message)).toEqual([]);
    });

    it('accepts a message parsed from JSON', () => {
      expect(violationsOf(JSON.parse(JSON.stringify(exampleMessage('interception.reported'))))).toEqual([]);
    });

    it('accepts the smallest messages: no optional header field, a case.opened with only a title', () => {
      const header = withoutField(withoutField(exampleHeader('case.opened'), 'expectedCaseVersion'), 'inReplyTo');
      expect(violationsOf({ header: withoutField(header, 'handling.conditions'), body: { title: 'T' } })).toEqual([]);
    });

    it('accepts a case.updated or information.provided without a title', () => {
      expect(violationsOf({ header: exampleHeader('case.updated'), body: { summary: 'New facts.' } })).toEqual([]);
      expect(violationsOf({ header: exampleHeader('information.provided'), body: { crimeAreas: ['corruption'] } })).toEqual([]);
    });

    it('accepts an upper-case messageId and an agency sender and case', () => {
      const header = exampleHeader('case.opened', {
        messageId: '0B8E2C8E-6F0A-4C43-9D1B-3F1F2A9A7C11',
        sender: 'INTERPOL-GS',
        caseId: 'INTERPOL-GS-2026-5',
      });
      expect(violationsOf({ header, body: { title: 'T' } })).toEqual([]);
    });

    it('accepts an interception whose location, vessel and vehicle carry no ref', () => {
      let message: unknown = exampleMessage('interception.reported');
      for (const path of ['body.location.ref', 'body.vessel.ref', 'body.vehicle.ref']) message = withoutField(message, path);
      expect(violationsOf(message)).toEqual([]);
    });

    it('accepts the same ref in different lists', () => {
      expect(violationsOf(withValue(opened(), 'body.documents[0].ref', 'P1'))).toEqual([]);
    });
  });

  describe('vocabularies', () => {
    const vocabularyFields: [MessageType, string, readonly string[]][] = [
      ['case.opened', 'header.priority', PRIORITIES],
      ['case.opened', 'header.handling.code', HANDLING_CODES],
      ['case.opened', 'header.evaluation.source', EVALUATION_SOURCES],
      ['case.opened', 'header.evaluation.information', EVALUATION_INFORMATION],
      ['case.opened', 'body.crimeAreas[0]', CRIME_AREAS],
      ['case.opened', 'body.route.name', ROUTE_NAMES],
      ['case.opened', 'body.route.legs[0].mode', MODES],
      ['case.opened', 'body.route.legs[0].conveyance', CONVEYANCES],
      ['case.opened', 'body.persons[0].role', PERSON_ROLES],
      ['case.opened', 'body.persons[0].gender', GENDERS],
      ['case.opened', 'body.persons[0].identifiers[0].type', IDENTIFIER_TYPES],
      ['case.opened', 'body.documents[0].type', DOCUMENT_TYPES],
      ['case.opened', 'body.documents[0].status', DOCUMENT_STATUSES],
      ['case.opened', 'body.vehicles[0].kind', CONVEYANCES],
      ['case.opened', 'body.vessels[0].kind', CONVEYANCES],
      ['case.opened', 'body.payments[0].method', PAYMENT_METHODS],
      ['case.opened', 'body.payments[0].stage', PAYMENT_STAGES],
      ['case.opened', 'body.locations[0].kind', LOCATION_KINDS],
      ['case.linked', 'body.relation', LINK_RELATIONS],
      ['interception.reported', 'body.mode', MODES],
      ['interception.reported', 'body.conveyance', CONVEYANCES],
      ['interception.reported', 'body.location.kind', LOCATION_KINDS],
      ['interception.reported', 'body.vessel.kind', CONVEYANCES],
    ];

    /** The example of `type`; a case report with a single crime area, so that setting it never repeats another. */
    const base = (type: MessageType) => (type === 'case.opened' ? withValue(opened(), 'body.crimeAreas', ['migrant_smuggling']) : exampleMessage(type));

    it.each(vocabularyFields)('%s %s accepts every value of its list', (type, path, values) => {
      for (const value of values) expect([value, violationsOf(withValue(base(type), path, value))]).toEqual([value, []]);
    });

    it.each(vocabularyFields)('%s %s refuses a value outside its list', (type, path) => {
      expect(violationsOf(withValue(base(type), path, 'not_in_the_list'))).toEqual([{ path, rule: 'enum' }]);
    });

    it('refuses a value that differs only in case', () => {
      expect(violationsOf(withValue(opened(), 'header.priority', 'URGENT'))).toEqual([{ path: 'header.priority', rule: 'enum' }]);
    });

    it('accepts every message type with its body (see "valid messages") and refuses an unknown one', () => {
      expect(violationsOf(withValue(opened(), 'header.type', 'case.deleted'))).toEqual([{ path: 'header.type', rule: 'enum' }]);
    });

    it('refuses a schema version other than 1.0', () => {
      expect(violationsOf(withValue(opened(), 'header.schemaVersion', '1.1'))).toEqual([{ path: 'header.schemaVersion', rule: 'enum' }]);
      expect(violationsOf(withValue(opened(), 'header.schemaVersion', 1))).toEqual([{ path: 'header.schemaVersion', rule: 'type' }]);
    });
  });

  describe('header codes', () => {
    it.each([
      ['header.messageId', 'not-a-uuid', 'uuid'],
      ['header.sender', 'NCB-XK', 'party_code'],
      ['header.sender', 'europol', 'party_code'],
      ['header.caseId', 'XK-2026-1', 'case_id'],
      ['header.caseId', 'IT-2026-1234567890123', 'case_id'],
      ['header.sentAt', '2026-03-14T09:30:00', 'date_time'],
      ['header.inReplyTo', 'not-a-uuid', 'uuid'],
      ['header.expectedCaseVersion', -1, 'min'],
      ['header.expectedCaseVersion', 1.5, 'integer'],
    ])('refuses %s = %j (%s)', (path, value, rule) => {
      expect(violationsOf(withValue(opened(), path, value))).toEqual([{ path, rule }]);
    });
  });

  describe('handling', () => {
    it('requires conditions with H3', () => {
      const message = withValue(opened(), 'header.handling', { code: 'H3' });
      expect(violationsOf(message)).toEqual([{ path: 'header.handling.conditions', rule: 'conditions_required' }]);
      expect(violationsOf(withValue(message, 'header.handling.conditions', 'Only for OP-HYDRA-2026.'))).toEqual([]);
    });

    it.each(['H0', 'H1', 'H2'])('does not require conditions with %s', (code) => {
      expect(violationsOf(withValue(opened(), 'header.handling', { code }))).toEqual([]);
    });

    it('refuses empty conditions and conditions over 2,000 characters', () => {
      expect(violationsOf(withValue(opened(), 'header.handling', { code: 'H3', conditions: '' }))).toEqual([
        { path: 'header.handling.conditions', rule: 'min_length' },
      ]);
      expect(violationsOf(withValue(opened(), 'header.handling.conditions', 'c'.repeat(2000)))).toEqual([]);
      expect(violationsOf(withValue(opened(), 'header.handling.conditions', 'c'.repeat(2001)))).toEqual([
        { path: 'header.handling.conditions', rule: 'max_length' },
      ]);
    });
  });

  describe('distribution', () => {
    const listOfScope = { recipients: 'recipients', operation: 'operations', taskForce: 'taskForces' } as const;
    const validList = { recipients: ['NCB-GR', 'EUROPOL'], operations: ['OP-HYDRA-2026'], taskForces: ['OTF-CENTRAL-MED'] };
    const withDistribution = (distribution: object) => withValue(opened(), 'header.distribution', distribution);

    it.each(DISTRIBUTION_SCOPES)('accepts the scope %s with its own list only', (scope) => {
      const list = scope === 'allPartners' ? {} : { [listOfScope[scope]]: validList[listOfScope[scope]] };
      expect(violationsOf(withDistribution({ scope, ...list }))).toEqual([]);
    });

    it.each(Object.entries(listOfScope))('requires %s scope to name its %s', (scope, list) => {
      expect(violationsOf(withDistribution({ scope }))).toEqual([{ path: `header.distribution.${list}`, rule: 'required_for_scope' }]);
      expect(violationsOf(withDistribution({ scope, [list]: [] }))).toEqual([{ path: `header.distribution.${list}`, rule: 'min_items' }]);
    });

    it.each(DISTRIBUTION_SCOPES)('refuses with the scope %s every list of another scope', (scope) => {
      const ownList = scope === 'allPartners' ? {} : { [listOfScope[scope]]: validList[listOfScope[scope]] };
      const otherLists = Object.values(listOfScope).filter((list) => list !== (listOfScope as Record<string, string>)[scope]);
      const lists = Object.fromEntries(otherLists.map((list) => [list, validList[list]]));
      expect(violationsOf(withDistribution({ scope, ...ownList, ...lists }))).toEqual(
        otherLists.map((list) => ({ path: `header.distribution.${list}`, rule: 'not_allowed_for_scope' })),
      );
    });

    it('refuses duplicates and malformed codes in the lists', () => {
      expect(violationsOf(withDistribution({ scope: 'recipients', recipients: ['NCB-GR', 'EUROPOL', 'NCB-GR'] }))).toEqual([
        { path: 'header.distribution.recipients[2]', rule: 'unique' },
      ]);
      expect(violationsOf(withDistribution({ scope: 'recipients', recipients: ['NCB-GR', 'NCB-XK'] }))).toEqual([
        { path: 'header.distribution.recipients[1]', rule: 'party_code' },
      ]);
      expect(violationsOf(withDistribution({ scope: 'operation', operations: ['OP-HYDRA-2026', 'HYDRA'] }))).toEqual([
        { path: 'header.distribution.operations[1]', rule: 'operation_id' },
      ]);
      expect(violationsOf(withDistribution({ scope: 'taskForce', taskForces: ['OTF-X', 'OTF-X'] }))).toEqual([
        { path: 'header.distribution.taskForces[1]', rule: 'unique' },
      ]);
      expect(violationsOf(withDistribution({ scope: 'taskForce', taskForces: ['OP-X'] }))).toEqual([
        { path: 'header.distribution.taskForces[0]', rule: 'task_force_id' },
      ]);
    });
  });

  describe('refs', () => {
    it.each(['persons', 'documents', 'vehicles', 'vessels', 'locations'])('refuses a ref repeated within %s', (list) => {
      const message = exampleMessage('case.opened') as unknown as { body: Record<string, { ref: string }[]> };
      const items = message.body[list];
      const copy = withValue(message, `body.${list}`, [...items, { ...items[0] }, { ...items[0], ref: 'OTHER' }, { ...items[0] }]);
      expect(violationsOf(copy)).toEqual([
        { path: `body.${list}[${items.length}].ref`, rule: 'unique_ref' },
        { path: `body.${list}[${items.length + 2}].ref`, rule: 'unique_ref' },
      ]);
    });

    it.each(['persons', 'documents', 'vehicles', 'vessels', 'locations'])('requires the ref of each item of %s', (list) => {
      expect(violationsOf(withoutField(opened(), `body.${list}[0].ref`))).toEqual([{ path: `body.${list}[0].ref`, rule: 'required' }]);
    });

    it('refuses an empty ref and one over 64 characters', () => {
      expect(violationsOf(withValue(opened(), 'body.persons[0].ref', ''))).toEqual([{ path: 'body.persons[0].ref', rule: 'min_length' }]);
      expect(violationsOf(withValue(opened(), 'body.documents[0].holderRef', 'P'.repeat(65)))).toEqual([
        { path: 'body.documents[0].holderRef', rule: 'max_length' },
      ]);
    });

    it('refuses an arrested person named twice', () => {
      expect(violationsOf(withValue(exampleMessage('interception.reported'), 'body.arrestedPersonIds', ['P1', 'P2', 'P1']))).toEqual([
        { path: 'body.arrestedPersonIds[2]', rule: 'unique' },
      ]);
    });
  });

  describe('message-type rules', () => {
    it('requires a title on case.opened', () => {
      expect(violationsOf(withoutField(opened(), 'body.title'))).toEqual([{ path: 'body.title', rule: 'title_required' }]);
    });

    it.each(['case.updated', 'information.provided'] as const)('refuses an empty case report in %s', (type) => {
      expect(violationsOf({ header: exampleHeader(type), body: {} })).toEqual([{ path: 'body', rule: 'empty_report' }]);
    });

    it('requires header.inReplyTo on information.provided', () => {
      const provided = exampleMessage('information.provided');
      expect(violationsOf(withoutField(provided, 'header.inReplyTo'))).toEqual([{ path: 'header.inReplyTo', rule: 'in_reply_to_required' }]);
      expect(violationsOf(withValue(provided, 'header.inReplyTo', null))).toEqual([{ path: 'header.inReplyTo', rule: 'in_reply_to_required' }]);
    });

    it('accepts inReplyTo on other types, as null or as a messageId', () => {
      expect(violationsOf(withValue(opened(), 'header.inReplyTo', null))).toEqual([]);
      expect(violationsOf(withValue(exampleMessage('information.requested'), 'header.inReplyTo', fixtureMessageId(7)))).toEqual([]);
    });

    it('requires the question and at least one addressee of information.requested', () => {
      const requested = exampleMessage('information.requested');
      expect(violationsOf(withoutField(requested, 'body.question'))).toEqual([{ path: 'body.question', rule: 'required' }]);
      expect(violationsOf(withValue(requested, 'body.to', []))).toEqual([{ path: 'body.to', rule: 'min_items' }]);
      expect(violationsOf(withValue(requested, 'body.to', ['NCB-GR', 'NCB-GR']))).toEqual([{ path: 'body.to[1]', rule: 'unique' }]);
      expect(violationsOf(withValue(requested, 'body.question', 'q'.repeat(2001)))).toEqual([{ path: 'body.question', rule: 'max_length' }]);
    });

    it('refuses a case.linked to its own case', () => {
      const linked = exampleMessage('case.linked');
      expect(violationsOf(withValue(linked, 'body.otherCaseId', FIXTURE_CASE_ID))).toEqual([{ path: 'body.otherCaseId', rule: 'same_case' }]);
      expect(violationsOf(withValue(linked, 'body.otherCaseId', 'GR-26-1'))).toEqual([{ path: 'body.otherCaseId', rule: 'case_id' }]);
    });

    it('requires an operation or a task force on case.assigned', () => {
      const assigned = exampleMessage('case.assigned');
      expect(violationsOf(withValue(assigned, 'body', {}))).toEqual([{ path: 'body.operationId', rule: 'operation_or_task_force_required' }]);
      expect(violationsOf(withoutField(assigned, 'body.taskForceId'))).toEqual([]);
      expect(violationsOf(withoutField(assigned, 'body.operationId'))).toEqual([]);
      expect(violationsOf(withValue(assigned, 'body', { operationId: 'OTF-X', taskForceId: 'OP-X' }))).toEqual([
        { path: 'body.operationId', rule: 'operation_id' },
        { path: 'body.taskForceId', rule: 'task_force_id' },
      ]);
    });

    it.each(CLOSE_REASONS)('accepts case.closed for the reason %s', (reason) => {
      const body = reason === 'merged' ? { reason, mergedInto: 'IT-2026-000124' } : { reason };
      expect(violationsOf(withValue(exampleMessage('case.closed'), 'body', body))).toEqual([]);
    });

    it('requires mergedInto when merged, refuses it otherwise, and refuses the case itself', () => {
      const closed = exampleMessage('case.closed');
      expect(violationsOf(withoutField(closed, 'body.mergedInto'))).toEqual([{ path: 'body.mergedInto', rule: 'merged_into_required' }]);
      expect(violationsOf(withValue(closed, 'body.reason', 'dismantled'))).toEqual([{ path: 'body.mergedInto', rule: 'not_allowed_for_reason' }]);
      expect(violationsOf(withValue(closed, 'body.mergedInto', FIXTURE_CASE_ID))).toEqual([{ path: 'body.mergedInto', rule: 'same_case' }]);
    });
  });

  describe('sentAt', () => {
    const sentAt = (offsetMinutes: number) => new Date(FIXTURE_NOW.getTime() + offsetMinutes * 60_000).toISOString();

    it('accepts a sentAt 4 minutes after now and refuses one 6 minutes after', () => {
      expect(violationsOf(withValue(opened(), 'header.sentAt', sentAt(4)))).toEqual([]);
      expect(violationsOf(withValue(opened(), 'header.sentAt', sentAt(6)))).toEqual([{ path: 'header.sentAt', rule: 'sent_at_in_future' }]);
    });

    it('accepts a sentAt exactly 5 minutes after now and any sentAt in the past', () => {
      expect(violationsOf(withValue(opened(), 'header.sentAt', sentAt(5)))).toEqual([]);
      expect(violationsOf(withValue(opened(), 'header.sentAt', sentAt(-60 * 24 * 30)))).toEqual([]);
    });

    it('compares the instant, whatever the offset', () => {
      expect(violationsOf(withValue(opened(), 'header.sentAt', '2026-03-14T11:34:00+02:00'))).toEqual([]);
      expect(violationsOf(withValue(opened(), 'header.sentAt', '2026-03-14T11:36:00+02:00'))).toEqual([{ path: 'header.sentAt', rule: 'sent_at_in_future' }]);
    });

    it.each(['2026-03-14T09:30:00', '2026-03-14', '2026-02-30T09:30:00Z', 'yesterday'])('refuses %j', (value) => {
      expect(violationsOf(withValue(opened(), 'header.sentAt', value))).toEqual([{ path: 'header.sentAt', rule: 'date_time' }]);
    });
  });

  describe('country codes', () => {
    it('accepts a real country and refuses XK, ZZ, EU and lower case, wherever a country goes', () => {
      expect(violationsOf(withValue(opened(), 'body.route.legs[0].from.country', 'IT'))).toEqual([]);
      for (const code of ['XK', 'ZZ', 'EU', 'it']) {
        for (const path of [
          'body.route.legs[0].from.country',
          'body.persons[0].nationalities[0]',
          'body.documents[0].issuingCountry',
          'body.vehicles[0].registrationCountry',
          'body.vessels[0].flag',
          'body.locations[0].country',
          'body.migrants.nationalities[1]',
        ]) {
          expect(violationsOf(withValue(opened(), path, code))).toEqual([{ path, rule: 'country_code' }]);
        }
      }
    });

    it('refuses a currency outside ISO 4217', () => {
      expect(violationsOf(withValue(opened(), 'body.payments[0].currency', 'EURO'))).toEqual([{ path: 'body.payments[0].currency', rule: 'currency_code' }]);
    });
  });

  describe('numbers', () => {
    it.each([
      ['body.locations[0].lat', 90],
      ['body.locations[0].lat', -90],
      ['body.locations[0].lon', 180],
      ['body.locations[0].lon', -180],
      ['body.route.legs[0].to.lat', 0],
      ['body.migrants.count', 0],
      ['body.migrants.deaths', 0],
      ['body.payments[0].amount', 0],
      ['body.payments[0].amount', 12.5],
      ['header.expectedCaseVersion', 0],
    ])('accepts %s = %d', (path, value) => {
      expect(violationsOf(withValue(opened(), path, value))).toEqual([]);
    });

    it.each([
      ['body.locations[0].lat', 90.0001, 'max'],
      ['body.locations[0].lat', -90.0001, 'min'],
      ['body.locations[0].lon', 180.0001, 'max'],
      ['body.route.legs[0].from.lon', -180.5, 'min'],
      ['body.migrants.count', -1, 'min'],
      ['body.migrants.count', 1.5, 'integer'],
      ['body.migrants.minors', -1, 'min'],
      ['body.migrants.missing', 0.5, 'integer'],
      ['body.payments[0].amount', -0.01, 'min'],
      ['body.payments[0].amount', '3500', 'type'],
      ['body.migrants.count', '38', 'type'],
    ])('refuses %s = %j (%s)', (path, value, rule) => {
      expect(violationsOf(withValue(opened(), path, value))).toEqual([{ path, rule }]);
    });

    it('reports both failures of a count that is negative and fractional', () => {
      expect(violationsOf(withValue(opened(), 'body.migrants.count', -1.5))).toEqual([
        { path: 'body.migrants.count', rule: 'integer' },
        { path: 'body.migrants.count', rule: 'min' },
      ]);
    });

    it.each([
      ['body.vessels[0].imo', '912345', 'digits'],
      ['body.vessels[0].imo', 'IMO9123456', 'digits'],
      ['body.vessels[0].mmsi', '6421234567', 'digits'],
      ['body.vessels[0].imo', 9123456, 'type'],
    ])('refuses the vessel number %s = %j', (path, value, rule) => {
      expect(violationsOf(withValue(opened(), path, value))).toEqual([{ path, rule }]);
    });
  });

  describe('dates', () => {
    it.each(['2024-02-29', '1984-05-02'])('accepts the date of birth %s', (date) => {
      expect(violationsOf(withValue(opened(), 'body.persons[0].dateOfBirth', date))).toEqual([]);
    });

    it.each(['2023-02-29', '2026-13-01', '1984-5-2', '1984-05-02T00:00:00Z'])('refuses the date of birth %s', (date) => {
      expect(violationsOf(withValue(opened(), 'body.persons[0].dateOfBirth', date))).toEqual([{ path: 'body.persons[0].dateOfBirth', rule: 'date' }]);
    });

    it.each(['body.route.legs[0].departedAt', 'body.route.legs[0].arrivedAt'])('refuses %s without an offset', (path) => {
      expect(violationsOf(withValue(opened(), path, '2026-03-10T02:00:00'))).toEqual([{ path, rule: 'date_time' }]);
    });

    it('refuses an interception at an impossible time and a due date without offset', () => {
      expect(violationsOf(withValue(exampleMessage('interception.reported'), 'body.occurredAt', '2026-02-30T04:15:00Z'))).toEqual([
        { path: 'body.occurredAt', rule: 'date_time' },
      ]);
      expect(violationsOf(withValue(exampleMessage('information.requested'), 'body.dueBy', '2026-03-20'))).toEqual([{ path: 'body.dueBy', rule: 'date_time' }]);
    });
  });

  describe('text lengths', () => {
    it('accepts a summary of 20,000 characters and refuses 20,001', () => {
      expect(violationsOf(withValue(opened(), 'body.summary', 's'.repeat(20_000)))).toEqual([]);
      expect(violationsOf(withValue(opened(), 'body.summary', 's'.repeat(20_001)))).toEqual([{ path: 'body.summary', rule: 'max_length' }]);
    });

    it('counts characters, not UTF-16 units', () => {
      expect(violationsOf(withValue(opened(), 'body.summary', '😀'.repeat(20_000)))).toEqual([]);
      expect(violationsOf(withValue(opened(), 'body.summary', '😀'.repeat(20_001)))).toEqual([{ path: 'body.summary', rule: 'max_length' }]);
    });

    it('accepts a title of 500 characters and refuses 501 or none', () => {
      expect(violationsOf(withValue(opened(), 'body.title', 't'.repeat(500)))).toEqual([]);
      expect(violationsOf(withValue(opened(), 'body.title', 't'.repeat(501)))).toEqual([{ path: 'body.title', rule: 'max_length' }]);
      expect(violationsOf(withValue(opened(), 'body.title', ''))).toEqual([{ path: 'body.title', rule: 'min_length' }]);
    });

    it('refuses a name, alias or identifier over 200 characters', () => {
      for (const path of ['body.persons[0].familyName', 'body.persons[0].aliases[0]', 'body.persons[0].identifiers[0].value']) {
        expect(violationsOf(withValue(opened(), path, 'n'.repeat(201)))).toEqual([{ path, rule: 'max_length' }]);
      }
    });
  });

  describe('unknown fields', () => {
    it.each([
      ['at the top level', 'signature'],
      ['in the header', 'header.priorityLevel'],
      ['in handling', 'header.handling.until'],
      ['in the body', 'body.severity'],
      ['deep in a person', 'body.persons[1].nickname'],
      ['in an identifier of a person', 'body.persons[0].identifiers[0].verified'],
      ['in a leg of the route', 'body.route.legs[0].from.region'],
    ])('refuses one %s', (_where, path) => {
      expect(violationsOf(withValue(opened(), path, 'x'))).toEqual([{ path, rule: 'unknown_field' }]);
    });

    it('refuses unknown fields in the body of every message type', () => {
      for (const type of MESSAGE_TYPES) {
        expect(violationsOf(withValue(exampleMessage(type), 'body.extra', 1))).toEqual([{ path: 'body.extra', rule: 'unknown_field' }]);
      }
    });

    it.each(['__proto__', 'constructor', 'prototype'])('refuses an own %s key at any depth without polluting prototypes', (key) => {
      const json = JSON.stringify(opened());
      const planted = `{"${key}":{"polluted":true,"isAdmin":true},`;
      const input = JSON.parse(json.replace(/^\{/, planted).replace('"header":{', `"header":${planted}`).replace('"persons":[{', `"persons":[${planted}`));
      expect(Object.keys(input)).toContain(key);
      expect(violationsOf(input)).toEqual([
        { path: key, rule: 'unknown_field' },
        { path: `header.${key}`, rule: 'unknown_field' },
        { path: `body.persons[0].${key}`, rule: 'unknown_field' },
      ]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'isAdmin')).toBe(false);
    });

    it.each([
      ['', '[""]'],
      ['a.b', 'header["a.b"]'],
      ['persons[0]', 'body["persons[0]"]'],
    ])('quotes the odd key %j in the path %s', (key, path) => {
      expect(parsePath(path).at(-1)).toBe(key);
      expect(violationsOf(withValue(opened(), path, 1))).toEqual([{ path, rule: 'unknown_field' }]);
    });

    it('does not look at the body while the message type is unknown', () => {
      const message = withValue(withValue(opened(), 'header.type', 'case.reopened'), 'body', { anything: [1, 2] });
      expect(violationsOf(message)).toEqual([{ path: 'header.type', rule: 'enum' }]);
    });
  });

  describe('wrong JSON types', () => {
    it.each([null, [], 'message', 42, true])('refuses the message %j', (input) => {
      expect(violationsOf(input)).toEqual([{ path: '', rule: 'type' }]);
    });

    it.each([
      ['body', null],
      ['body', []],
      ['body', 'report'],
      ['header', []],
      ['header', null],
      ['header.handling', 'H0'],
      ['header.distribution', [{ scope: 'allPartners' }]],
      ['header.sender', 5],
      ['header.messageId', 12345],
      ['header.expectedCaseVersion', '0'],
      ['header.expectedCaseVersion', null],
      ['body.summary', null],
      ['body.summary', { text: 'x' }],
      ['body.route', []],
      ['body.route.legs', { from: 'LY' }],
      ['body.persons', {}],
      ['body.persons[0]', 'P1'],
      ['body.persons[0]', [{ ref: 'P1' }]],
      ['body.persons[0].aliases', 'Abu J'],
      ['body.persons[0].aliases[0]', 7],
      ['body.crimeAreas', 'migrant_smuggling'],
      ['body.crimeAreas[1]', ['document_fraud']],
      ['body.migrants', 38],
      ['body.locations[0].lat', '32.93'],
      ['body.locations[0].lat', null],
      ['body.locations[0].lat', true],
    ])('refuses %s = %j with one type violation there', (path, value) => {
      expect(violationsOf(withValue(opened(), path, value))).toEqual([{ path, rule: 'type' }]);
    });

    it('refuses a missing required field as required, not as a wrong type', () => {
      expect(violationsOf(withoutField(opened(), 'header.caseId'))).toEqual([{ path: 'header.caseId', rule: 'required' }]);
      expect(violationsOf(withoutField(opened(), 'header'))).toEqual([{ path: 'header', rule: 'required' }]);
      expect(violationsOf({ header: exampleHeader('case.opened') })).toEqual([{ path: 'body', rule: 'required' }]);
    });
  });

  it('reports every failing field', () => {
    let message: unknown = opened();
    message = withValue(message, 'header.priority', 'asap');
    message = withoutField(message, 'header.evaluation.source');
    message = withValue(message, 'body.persons[1].dateOfBirth', '2023-02-29');
    message = withValue(message, 'body.route.legs[0].to.lat', 91);
    message = withValue(message, 'body.payments[0].currency', 'eur');
    message = withValue(message, 'body.colour', 'red');
    expect(violationsOf(message)).toEqual(
      expect.arrayContaining([
        { path: 'header.priority', rule: 'enum' },
        { path: 'header.evaluation.source', rule: 'required' },
        { path: 'body.persons[1].dateOfBirth', rule: 'date' },
        { path: 'body.route.legs[0].to.lat', rule: 'max' },
        { path: 'body.payments[0].currency', rule: 'currency_code' },
        { path: 'body.colour', rule: 'unknown_field' },
      ]),
    );
    expect(violationsOf(message)).toHaveLength(6);
  });

  it('explains each violation in words', () => {
    const result = validateCmfMessage(withValue(opened(), 'header.handling', { code: 'H3' }), { now: FIXTURE_NOW });
    expect(result).toEqual({
      ok: false,
      violations: [{ path: 'header.handling.conditions', rule: 'conditions_required', message: 'is required when code is H3' }],
    });
  });
});
