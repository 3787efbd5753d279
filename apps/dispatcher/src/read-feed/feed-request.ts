import { isCursor } from '@cmx/delivery';
import { FieldViolation, InvalidQuery } from '@cmx/errors';
import { QueryParameters, refuseUnknownParameters, wholeNumberParameter } from '@cmx/platform';

export const MAX_FEED_PAGE = 1000;
export const DEFAULT_FEED_PAGE = 100;

export interface FeedRequest {
  /** Deliveries strictly after this cursor; from the first when undefined. */
  readonly after: string | undefined;
  readonly limit: number;
}

/** `Last-Event-ID` (sent by an SSE client reconnecting) wins over `after`: it is the newer of the two. */
export function feedRequest(query: QueryParameters, lastEventId: string | undefined): FeedRequest {
  const violations: FieldViolation[] = [];
  refuseUnknownParameters(query, ['after', 'limit'], violations);
  const limit = wholeNumberParameter(query.limit, 'limit', { min: 1, max: MAX_FEED_PAGE, fallback: DEFAULT_FEED_PAGE }, violations);
  const raw = lastEventId?.trim() || query.after;
  const source = lastEventId?.trim() ? 'Last-Event-ID' : 'after';
  if (raw !== undefined && !isCursor(raw)) {
    violations.push({ path: source, rule: 'cursor', message: `${source} must be a cursor from this feed (a decimal store position)` });
  }
  if (violations.length > 0) throw new InvalidQuery(violations);
  return { after: raw as string | undefined, limit };
}
