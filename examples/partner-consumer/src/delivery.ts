/**
 * What the exchange puts on `cmx.deliveries.<party>`: record key = caseId,
 * headers `message-id`, `message-type`, `case-version`, and as value one of
 *   - a message delivery: the timeline entry plus caseId and position;
 *   - an erasure notice (`type: 'erasure.notice'`): persons of a case, or the
 *     whole case, were erased; the party deletes its copies of the messages
 *     named and acknowledges the notice like a message.
 */
export interface MessageDelivery {
  readonly caseId: string;
  /** The exchange's store position of the message: opaque, compare only for equality. */
  readonly position: string;
  readonly caseVersion: number;
  readonly messageId: string;
  readonly type: string;
  readonly sender: string;
  readonly sentAt: string;
  readonly receivedAt: string;
  readonly priority: string;
  readonly handling: { readonly code: string; readonly conditions?: string };
  readonly evaluation: { readonly source: string; readonly information: string };
  /**
   * The message's content. Persons and documents erased or restricted before
   * this delivery come as placeholders, `{ ref, erased: true }` or
   * `{ ref, restricted: true }`, payments as `{ payerRef?, payeeRef?, erased: true }`.
   */
  readonly body: { readonly [key: string]: unknown };
}

export const ERASURE_NOTICE = 'erasure.notice';

export interface ErasureNotice {
  readonly caseId: string;
  readonly position: string;
  /** The erasure's place in the case's versions: above every message it concerns. */
  readonly caseVersion: number;
  /** The notice's own id: acknowledge it like a message. */
  readonly messageId: string;
  readonly type: typeof ERASURE_NOTICE;
  readonly sender: string;
  readonly receivedAt: string;
  /** The persons erased (references, not values); absent when the whole case is. */
  readonly personRefs?: readonly string[];
  readonly wholeCase?: true;
  /** The messages this party received that held the erased data: delete every copy of them. */
  readonly messageIds: readonly string[];
  readonly erasedAt: string;
  readonly reason: string;
}

export type Delivery = MessageDelivery | ErasureNotice;

/** A Kafka record as Nest's Kafka transport hands it over (value already JSON-parsed when it is JSON). */
export interface DeliveryRecord {
  readonly value: unknown;
  readonly key: unknown;
  readonly headers: { readonly [name: string]: unknown };
}

export type ReadDelivery =
  | { readonly ok: true; readonly kind: 'message'; readonly delivery: MessageDelivery }
  | { readonly ok: true; readonly kind: 'erasure.notice'; readonly delivery: ErasureNotice }
  | { readonly ok: false; readonly reason: string };

type Fields = { readonly [field: string]: unknown };

/**
 * Checks a record's shape, as a message delivery or, when its type is
 * `erasure.notice`, as an erasure notice, and that its key and headers agree
 * with its value. Reasons name fields, never their values.
 */
export function readDelivery(record: DeliveryRecord): ReadDelivery {
  const value = record.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value)) {
    return { ok: false, reason: 'the value is not a JSON object' };
  }
  const fields = value as Fields;
  const notice = fields.type === ERASURE_NOTICE;
  const shape = notice ? erasureNoticeProblem(fields) : messageDeliveryProblem(fields);
  if (shape !== undefined) return { ok: false, reason: notice ? `erasure notice: ${shape}` : shape };
  const disagreement = recordProblem(record, fields);
  if (disagreement !== undefined) return { ok: false, reason: disagreement };
  return notice ? { ok: true, kind: 'erasure.notice', delivery: value as ErasureNotice } : { ok: true, kind: 'message', delivery: value as MessageDelivery };
}

function messageDeliveryProblem(delivery: Fields): string | undefined {
  const common = commonProblem(delivery, ['sentAt', 'priority']);
  if (common !== undefined) return common;
  for (const field of ['handling', 'evaluation', 'body']) {
    if (!isObject(delivery[field])) return `${field} is not an object`;
  }
  return undefined;
}

function erasureNoticeProblem(notice: Fields): string | undefined {
  const common = commonProblem(notice, ['erasedAt', 'reason']);
  if (common !== undefined) return common;
  if (!isTextList(notice.messageIds)) return 'messageIds is not a list of message ids';
  if (notice.wholeCase !== undefined && notice.wholeCase !== true) return 'wholeCase is neither true nor absent';
  if (notice.wholeCase === true) {
    if (notice.personRefs !== undefined) return 'wholeCase and personRefs exclude each other';
  } else if (!isTextList(notice.personRefs)) {
    return 'personRefs is not a list of person references (and wholeCase is not true)';
  }
  return undefined;
}

/** The fields both kinds have, plus `more` required strings. */
function commonProblem(delivery: Fields, more: readonly string[]): string | undefined {
  for (const field of ['caseId', 'position', 'messageId', 'type', 'sender', 'receivedAt', ...more]) {
    if (typeof delivery[field] !== 'string' || delivery[field] === '') return `${field} is missing or not a string`;
  }
  if (!Number.isSafeInteger(delivery.caseVersion) || (delivery.caseVersion as number) < 1) {
    return 'caseVersion is not a positive whole number';
  }
  return undefined;
}

/** The key and the headers, where present, must say what the value says. */
function recordProblem(record: DeliveryRecord, delivery: Fields): string | undefined {
  const messageIdHeader = text(record.headers['message-id']);
  if (messageIdHeader !== undefined && messageIdHeader !== delivery.messageId) {
    return `header message-id ${messageIdHeader} differs from messageId ${String(delivery.messageId)}`;
  }
  const caseVersionHeader = text(record.headers['case-version']);
  if (caseVersionHeader !== undefined && caseVersionHeader !== String(delivery.caseVersion)) {
    return `header case-version ${caseVersionHeader} differs from caseVersion ${String(delivery.caseVersion)}`;
  }
  const typeHeader = text(record.headers['message-type']);
  if (typeHeader !== undefined && typeHeader !== delivery.type) {
    return `header message-type ${typeHeader} differs from type ${String(delivery.type)}`;
  }
  const key = text(record.key);
  if (key !== undefined && key !== delivery.caseId) return `record key ${key} differs from caseId ${String(delivery.caseId)}`;
  return undefined;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTextList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string' && item !== '');
}

/** A header or key as text: Nest decodes them to strings, a raw kafkajs record has Buffers. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value) && value.length > 0) return text(value[value.length - 1]);
  return undefined;
}
