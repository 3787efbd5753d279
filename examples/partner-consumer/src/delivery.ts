/**
 * A delivery as the exchange puts it on `cmx.deliveries.<party>`: record key =
 * caseId, value = the timeline entry plus caseId and position, headers
 * `message-id`, `message-type`, `case-version`.
 */
export interface Delivery {
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
  readonly body: { readonly [key: string]: unknown };
}

/** A Kafka record as Nest's Kafka transport hands it over (value already JSON-parsed when it is JSON). */
export interface DeliveryRecord {
  readonly value: unknown;
  readonly key: unknown;
  readonly headers: { readonly [name: string]: unknown };
}

export type ReadDelivery = { readonly ok: true; readonly delivery: Delivery } | { readonly ok: false; readonly reason: string };

/** Checks a record's shape and that its key and headers agree with its value. */
export function readDelivery(record: DeliveryRecord): ReadDelivery {
  const value = record.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value)) {
    return { ok: false, reason: 'the value is not a JSON object' };
  }
  const delivery = value as Partial<Record<keyof Delivery, unknown>>;
  for (const field of ['caseId', 'position', 'messageId', 'type', 'sender', 'sentAt', 'receivedAt', 'priority'] as const) {
    if (typeof delivery[field] !== 'string' || delivery[field] === '') return { ok: false, reason: `${field} is missing or not a string` };
  }
  if (!Number.isSafeInteger(delivery.caseVersion) || (delivery.caseVersion as number) < 1) {
    return { ok: false, reason: 'caseVersion is not a positive whole number' };
  }
  for (const field of ['handling', 'evaluation', 'body'] as const) {
    const part = delivery[field];
    if (typeof part !== 'object' || part === null || Array.isArray(part)) return { ok: false, reason: `${field} is not an object` };
  }
  const messageIdHeader = text(record.headers['message-id']);
  if (messageIdHeader !== undefined && messageIdHeader !== delivery.messageId) {
    return { ok: false, reason: `header message-id ${messageIdHeader} differs from messageId ${String(delivery.messageId)}` };
  }
  const caseVersionHeader = text(record.headers['case-version']);
  if (caseVersionHeader !== undefined && caseVersionHeader !== String(delivery.caseVersion)) {
    return { ok: false, reason: `header case-version ${caseVersionHeader} differs from caseVersion ${String(delivery.caseVersion)}` };
  }
  const typeHeader = text(record.headers['message-type']);
  if (typeHeader !== undefined && typeHeader !== delivery.type) {
    return { ok: false, reason: `header message-type ${typeHeader} differs from type ${String(delivery.type)}` };
  }
  const key = text(record.key);
  if (key !== undefined && key !== delivery.caseId) return { ok: false, reason: `record key ${key} differs from caseId ${String(delivery.caseId)}` };
  return { ok: true, delivery: delivery as Delivery };
}

/** A header or key as text: Nest decodes them to strings, a raw kafkajs record has Buffers. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value) && value.length > 0) return text(value[value.length - 1]);
  return undefined;
}
