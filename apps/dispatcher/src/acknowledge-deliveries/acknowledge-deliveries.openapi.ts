import { DATE_TIME, MESSAGE_ID, namedSchema, STORE_POSITION } from '@cmx/platform';
import { MAX_ACKNOWLEDGED_MESSAGE_IDS } from './parse-acknowledgement';

export const ACKNOWLEDGEMENT_SCHEMA = namedSchema('Acknowledgement', {
  type: 'object',
  description:
    '`{ "cursor": "…" }` (feed readers: every delivery up to and including it) or `{ "messageIds": ["…"] }` (Kafka consumers), exactly one of the two.',
  properties: {
    cursor: STORE_POSITION,
    messageIds: { type: 'array', minItems: 1, maxItems: MAX_ACKNOWLEDGED_MESSAGE_IDS, items: MESSAGE_ID },
  },
  oneOf: [{ required: ['cursor'] }, { required: ['messageIds'] }],
  additionalProperties: false,
});

export const ACKNOWLEDGEMENT_RECEIPT_SCHEMA = namedSchema('AcknowledgementReceipt', {
  type: 'object',
  properties: {
    acknowledged: { type: 'integer', minimum: 0, description: 'Deliveries acknowledged by this call; those acknowledged before keep their first time' },
    acknowledgedAt: DATE_TIME,
  },
  required: ['acknowledged', 'acknowledgedAt'],
});
