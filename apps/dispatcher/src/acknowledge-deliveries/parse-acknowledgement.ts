import { isCursor } from '@cmx/delivery';
import { FieldViolation, InvalidAcknowledgement } from '@cmx/errors';

export const MAX_ACKNOWLEDGED_MESSAGE_IDS = 1000;

export type Acknowledgement = { readonly cursor: string } | { readonly messageIds: readonly string[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `{ "cursor": "…" }` (feed readers) or `{ "messageIds": ["…"] }` (Kafka consumers), exactly one of the two. */
export function parseAcknowledgement(body: unknown): Acknowledgement {
  const refuse = (violations: FieldViolation[]): never => {
    throw new InvalidAcknowledgement(violations);
  };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return refuse([{ path: '', rule: 'type', message: 'the body must be { "cursor": "…" } or { "messageIds": ["…"] }' }]);
  }
  const record = body as Record<string, unknown>;
  const keys = Object.keys(record);
  const unknown = keys.filter((key) => key !== 'cursor' && key !== 'messageIds');
  if (unknown.length > 0) refuse(unknown.map((key) => ({ path: key, rule: 'unknown_field', message: `${key} is not a field of an acknowledgement` })));
  if (keys.length !== 1) refuse([{ path: '', rule: 'one_of', message: 'give either cursor or messageIds' }]);

  if ('cursor' in record) {
    const { cursor } = record;
    if (!isCursor(cursor)) refuse([{ path: 'cursor', rule: 'cursor', message: 'cursor must be a cursor from your feed' }]);
    return { cursor: cursor as string };
  }
  const { messageIds } = record;
  if (!Array.isArray(messageIds) || messageIds.length === 0 || messageIds.length > MAX_ACKNOWLEDGED_MESSAGE_IDS) {
    return refuse([{ path: 'messageIds', rule: 'type', message: `messageIds must be a list of 1 to ${MAX_ACKNOWLEDGED_MESSAGE_IDS} message ids` }]);
  }
  const violations = messageIds.flatMap((id: unknown, index): FieldViolation[] =>
    typeof id === 'string' && UUID.test(id) ? [] : [{ path: `messageIds[${index}]`, rule: 'uuid', message: 'not a message id' }],
  );
  if (violations.length > 0) refuse(violations);
  return { messageIds: [...new Set((messageIds as string[]).map((id) => id.toLowerCase()))] };
}
