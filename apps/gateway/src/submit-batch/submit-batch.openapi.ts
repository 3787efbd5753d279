import { ERROR_BODY_SCHEMA, namedSchema, RECEIPT_SCHEMA } from '@cmx/platform';
import { MESSAGE_REFUSALS } from '../submit-message/submit-message.openapi';

export const BATCH_LINE_OUTCOME_SCHEMA = namedSchema('BatchLineOutcome', {
  type: 'object',
  description: 'The outcome of one input line (numbered from 1): a receipt (201, or 200 for a repeat), or the refusal POST /v1/messages would answer.',
  properties: {
    line: { type: 'integer', minimum: 1 },
    status: { type: 'integer', enum: [201, 200, 400, 403, 404, 409, 413, 500] },
    receipt: RECEIPT_SCHEMA,
    error: { allOf: [ERROR_BODY_SCHEMA, { type: 'object', properties: { error: { type: 'string', enum: [...MESSAGE_REFUSALS, 'internal_error'] } } }] },
  },
  required: ['line', 'status'],
});
