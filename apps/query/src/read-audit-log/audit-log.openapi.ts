import { AUDIT_CHANNELS, AUDIT_OPERATIONS } from '@cmx/audit';
import { arrayOf, CASE_ID, DATE_TIME, MESSAGE_ID, namedSchema, nullable, PARTY_CODE } from '@cmx/platform';

export const AUDIT_PAGE_SCHEMA = namedSchema('AuditPage', {
  type: 'object',
  description:
    'Entries of the audit log by sequence number. A case owner reading its case (caseId=…) sees each entry narrowed to that case, without the key, ' +
    'officer, purpose and request of other parties’ entries (null).',
  properties: {
    items: arrayOf(
      namedSchema('AuditItem', {
        type: 'object',
        properties: {
          seq: { type: 'string', pattern: '^[0-9]+$' },
          at: DATE_TIME,
          operation: { type: 'string', enum: [...AUDIT_OPERATIONS] },
          party: PARTY_CODE,
          keyId: nullable({ type: 'string' }),
          onBehalfOf: nullable({ type: 'string', description: 'The On-Behalf-Of header of the call' }),
          purpose: nullable({ type: 'string', description: 'The Purpose header of the call' }),
          channel: { type: 'string', enum: [...AUDIT_CHANNELS] },
          caseIds: arrayOf(CASE_ID),
          messageIds: arrayOf(MESSAGE_ID),
          recipients: arrayOf(PARTY_CODE),
          requestId: nullable({ type: 'string' }),
          hash: { type: 'string', description: 'SHA-256 over the previous entry’s hash and this entry’s canonical text' },
        },
        required: ['seq', 'at', 'operation', 'party', 'keyId', 'onBehalfOf', 'purpose', 'channel', 'caseIds', 'messageIds', 'recipients', 'requestId', 'hash'],
      }),
    ),
    nextCursor: { type: 'string', description: 'Pass as `after` for the next page: the last item’s seq, or the `after` given when there was nothing new' },
  },
  required: ['items', 'nextCursor'],
});
