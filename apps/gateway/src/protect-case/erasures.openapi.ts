import { namedSchema } from '@cmx/platform';
import { MAX_PERSON_REFS } from './parse-erasure-request';

export const ERASURE_REQUEST_SCHEMA = namedSchema('ErasureRequest', {
  type: 'object',
  description:
    'Erase persons of the case (`personRefs`) or the whole case (`"wholeCase": true`); with `"restrict": true` restrict them instead (they read as ' +
    '`{ "ref": "P2", "restricted": true }` to everyone but the owner), with `"liftRestriction": true` lift a restriction. ' +
    '`expectedCaseVersion`, when given, must be the case’s current version.',
  properties: {
    personRefs: { type: 'array', minItems: 1, maxItems: MAX_PERSON_REFS, uniqueItems: true, items: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
    wholeCase: { type: 'boolean', enum: [true] },
    restrict: { type: 'boolean', enum: [true] },
    liftRestriction: { type: 'boolean', enum: [true] },
    reason: { type: 'string', minLength: 1, maxLength: 2000 },
    legalBasis: { type: 'string', minLength: 1, maxLength: 500 },
    expectedCaseVersion: { type: 'integer', minimum: 0 },
  },
  required: ['reason', 'legalBasis'],
  oneOf: [{ required: ['personRefs'] }, { required: ['wholeCase'] }],
  additionalProperties: false,
});
