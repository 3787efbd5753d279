import { CLOSE_REASONS, CRIME_AREAS, LINK_RELATIONS } from '@cmx/contracts';
import { arrayOf, CASE_ID, cmfSchema, DATE_TIME, namedSchema, nullable } from '@cmx/platform';

/** A person the reader may not see: erased for everyone, or restricted (the case owner still sees a restricted person whole). */
const WITHHELD_PERSON_SCHEMA = namedSchema('WithheldPerson', {
  type: 'object',
  properties: { ref: { type: 'string' }, erased: { type: 'boolean', enum: [true] }, restricted: { type: 'boolean', enum: [true] } },
  required: ['ref'],
});

export const INTERCEPTION_SUMMARY_SCHEMA = namedSchema('InterceptionSummary', {
  type: 'object',
  properties: {
    occurredAt: DATE_TIME,
    migrants: { type: 'integer', minimum: 0 },
    deaths: { type: 'integer', minimum: 0 },
    missing: { type: 'integer', minimum: 0 },
  },
  required: ['occurredAt', 'migrants', 'deaths', 'missing'],
});

export const CASE_SUMMARY_SCHEMA = namedSchema('CaseSummary', {
  type: 'object',
  description:
    'The case folded from the messages the caller is entitled to, and only those: items with a ref merged field by field from every report that ' +
    'names them, in order of first mention. Erased or restricted persons (and the documents they hold) read as `{ "ref": "P2", "erased": true }`.',
  properties: {
    caseId: CASE_ID,
    status: { type: 'string', enum: ['open', 'closed'] },
    owner: nullable({ type: 'string', description: 'The sender of case.opened; null when the caller is not entitled to that message' }),
    version: { type: 'integer', minimum: 1, description: 'The case version of the last message folded' },
    lastActivityAt: DATE_TIME,
    title: nullable({ type: 'string' }),
    summary: nullable({ type: 'string' }),
    crimeAreas: arrayOf({ type: 'string', enum: [...CRIME_AREAS] }),
    route: { anyOf: [cmfSchema('Route'), { type: 'null' }] },
    persons: arrayOf({ anyOf: [cmfSchema('Person'), WITHHELD_PERSON_SCHEMA] }),
    documents: arrayOf({ anyOf: [cmfSchema('TravelDocument'), WITHHELD_PERSON_SCHEMA] }),
    vehicles: arrayOf(cmfSchema('Vehicle')),
    vessels: arrayOf(cmfSchema('Vessel')),
    locations: arrayOf(cmfSchema('Location')),
    payments: arrayOf(cmfSchema('Payment')),
    migrants: { anyOf: [cmfSchema('Migrants'), { type: 'null' }] },
    interceptions: arrayOf(INTERCEPTION_SUMMARY_SCHEMA),
    linkedCases: arrayOf({
      type: 'object',
      properties: { otherCaseId: CASE_ID, relation: { type: 'string', enum: [...LINK_RELATIONS] } },
      required: ['otherCaseId', 'relation'],
    }),
    operations: arrayOf({ type: 'string' }),
    taskForces: arrayOf({ type: 'string' }),
    closedReason: nullable({ type: 'string', enum: [...CLOSE_REASONS] }),
  },
  required: ['caseId', 'status', 'owner', 'version', 'lastActivityAt', 'crimeAreas', 'persons', 'operations', 'taskForces'],
});
