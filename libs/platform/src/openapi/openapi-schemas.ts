import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';

/** A schema or a reference to one. */
export type OpenApiSchema = SchemaObject | ReferenceObject;

/**
 * A schema that the document gives a name: wherever it appears inline in an operation, the document builder moves
 * it to `components/schemas/<name>` and refers to it there (its `title` is the name).
 */
export function namedSchema(name: string, schema: SchemaObject): SchemaObject {
  return { title: name, ...schema };
}

/** A definition of the CMF/1 JSON Schema (docs/cmf-1.schema.json), which the document holds as a component of the same name. */
export function cmfSchema(definition: string): SchemaObject & ReferenceObject {
  return { $ref: `#/components/schemas/${definition}` };
}

/** The CMF/1 message itself (the root of docs/cmf-1.schema.json). */
export const CMF_MESSAGE_SCHEMA_NAME = 'CmfMessage';

export const arrayOf = (items: OpenApiSchema, description?: string): SchemaObject => ({ type: 'array', items, ...(description ? { description } : {}) });
export const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });

export const DATE_TIME: SchemaObject = { type: 'string', format: 'date-time' };
export const PARTY_CODE = cmfSchema('PartyCode');
export const CASE_ID = cmfSchema('CaseId');
export const MESSAGE_ID = cmfSchema('Uuid');
/** A store position, as decimal digits (positions may exceed 2^53, so they are strings). */
export const STORE_POSITION: SchemaObject = { type: 'string', pattern: '^[0-9]+$', description: 'A store position in decimal digits' };
/** Counts by a vocabulary's values, a value absent when its count is 0. */
export const COUNTS: SchemaObject = { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } };

export const FIELD_VIOLATION_SCHEMA = namedSchema('FieldViolation', {
  type: 'object',
  description:
    'One rule a field breaks: its path in the input (`header.caseId`, `body.persons[0].ref`, a parameter or a header name), the rule and a sentence.',
  properties: { path: { type: 'string' }, rule: { type: 'string' }, message: { type: 'string' } },
  required: ['path', 'rule', 'message'],
});

export const ERROR_BODY_SCHEMA = namedSchema('ErrorBody', {
  type: 'object',
  description:
    'Every refusal: a stable code (`error`, one per rule), a sentence, and details (the field violations of a 400, the current version of a 409 ' +
    'case_version_mismatch, the error id of a 500, …). A 500 is tagged with an error id that the exchange logs with the stack.',
  properties: {
    error: { type: 'string', description: 'The stable code of the rule refused' },
    message: { type: 'string' },
    details: { type: 'array', items: {} },
  },
  required: ['error', 'message', 'details'],
  additionalProperties: false,
});

export const RECEIPT_SCHEMA = namedSchema('Receipt', {
  type: 'object',
  description: 'The receipt of an accepted message (or of an erasure or restriction): it is on disk and will never be lost.',
  properties: {
    messageId: MESSAGE_ID,
    caseId: CASE_ID,
    caseVersion: { type: 'integer', minimum: 1, description: "The message's version in its case" },
    position: STORE_POSITION,
    receivedAt: DATE_TIME,
  },
  required: ['messageId', 'caseId', 'caseVersion', 'position', 'receivedAt'],
});

export const RECIPIENT_SCHEMA = namedSchema('Recipient', {
  type: 'object',
  description: 'Who received one of the caller’s own messages, by which channel, and when it acknowledged it.',
  properties: {
    party: PARTY_CODE,
    channel: { type: 'string', enum: ['kafka', 'feed'] },
    deliveredAt: DATE_TIME,
    acknowledgedAt: nullable(DATE_TIME),
  },
  required: ['party', 'channel', 'deliveredAt', 'acknowledgedAt'],
});

/** The fields a timeline entry and a delivery share, in the order the documents list them. */
const MESSAGE_ENTRY_PROPERTIES: Record<string, OpenApiSchema> = {
  caseVersion: { type: 'integer', minimum: 1 },
  messageId: MESSAGE_ID,
  type: { type: 'string' },
  sender: PARTY_CODE,
  sentAt: DATE_TIME,
  receivedAt: DATE_TIME,
  priority: { type: 'string' },
  handling: cmfSchema('Handling'),
  evaluation: cmfSchema('Evaluation'),
  body: { type: 'object' },
};

/** A timeline entry: a message of a case, or an erasure, a restriction or its lifting. */
export const TIMELINE_ENTRY_SCHEMA = namedSchema('TimelineEntry', {
  type: 'object',
  description:
    'A message of the case as the caller may see it (`body` is the CMF/1 body, with erased persons as `{ "ref": "P2", "erased": true }` and restricted ' +
    'ones as `{ "ref": "P2", "restricted": true }` except for the case owner); an erasure, restriction or its lifting has no sentAt, priority, ' +
    'handling or evaluation and a body `{ personRefs | wholeCase, reason, legalBasis, messageIds }`. `recipients` only on the caller’s own entries.',
  properties: {
    ...MESSAGE_ENTRY_PROPERTIES,
    type: { type: 'string', description: 'A CMF/1 message type, or case.erased, case.restricted, case.restriction_lifted' },
    recipients: arrayOf(RECIPIENT_SCHEMA),
  },
  required: ['caseVersion', 'messageId', 'type', 'sender', 'receivedAt', 'body'],
});

/** What a party receives on its feed or its Kafka topic: a timeline entry with its case and position, or an erasure notice. */
export const DELIVERY_SCHEMA = namedSchema('Delivery', {
  type: 'object',
  description:
    'A message delivered (a timeline entry plus `caseId` and `position`), or an `erasure.notice`: `{ caseId, position, caseVersion, messageId, type, ' +
    'sender, receivedAt, personRefs | wholeCase, messageIds, erasedAt, reason }`, naming the messages received whose copies the recipient deletes.',
  properties: {
    caseId: CASE_ID,
    position: STORE_POSITION,
    ...MESSAGE_ENTRY_PROPERTIES,
    personRefs: arrayOf({ type: 'string' }),
    wholeCase: { type: 'boolean', enum: [true] },
    messageIds: arrayOf(MESSAGE_ID),
    erasedAt: DATE_TIME,
    reason: { type: 'string' },
  },
  required: ['caseId', 'position', 'caseVersion', 'messageId', 'type', 'sender', 'receivedAt'],
});

/**
 * An `application/x-ndjson` body: text, one JSON value a line. OpenAPI 3.1 has no schema for a sequence of lines, so
 * the schema of each line is given under `x-ndjson-line`.
 */
export function ndjsonOf(line: OpenApiSchema, description: string): SchemaObject {
  return { type: 'string', description, 'x-ndjson-line': line } as SchemaObject;
}

/** An optional page size `limit` from 1 to `max`. */
export const limitQuery = (max: number, fallback: number) => ({
  name: 'limit',
  required: false,
  description: `How many items at most (default ${fallback})`,
  schema: { type: 'integer', minimum: 1, maximum: max, default: fallback },
});

export const HEALTH_SCHEMA = namedSchema('Health', {
  type: 'object',
  description:
    'Each engine the process uses (by role: eventStore, readModels, …) and whether it answers; a process may add sections of its own (projections, dispatcher: their lag).',
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    live: { type: 'boolean', enum: [true] },
    ready: { type: 'boolean' },
    engines: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: {
          engine: { type: 'string' },
          status: { type: 'string', enum: ['up', 'down'] },
          latencyMs: { type: 'number' },
          error: { type: 'string' },
        },
        required: ['engine', 'status'],
      },
    },
  },
  required: ['status', 'live', 'ready', 'engines'],
});
