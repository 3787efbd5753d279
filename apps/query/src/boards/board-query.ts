import { CRIME_AREAS, isDateTime, parseDateTime, ROUTE_NAMES } from '@cmx/contracts';
import { FieldViolation, InvalidQuery } from '@cmx/errors';
import { QueryParameters, refuseUnknownParameters, wholeNumberParameter } from '@cmx/platform';

export const MAX_CASE_PAGE = 500;

export interface CaseListFilter {
  readonly status?: 'open' | 'closed';
  readonly crimeArea?: string;
  readonly route?: string;
  /** ISO 8601 in UTC with milliseconds, as the read model stores times. */
  readonly updatedAfter?: string;
  readonly after?: CaseListCursor;
  readonly limit: number;
}

/** The position in a list ordered by last activity, newest first, then case id. */
export interface CaseListCursor {
  readonly lastActivityAt: string;
  readonly caseId: string;
}

/** An opaque cursor of a board's list: the JSON array of its sort key, base64url. */
export const encodePageCursor = (key: readonly unknown[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

export const encodeCursor = (cursor: CaseListCursor): string => encodePageCursor([cursor.lastActivityAt, cursor.caseId]);

/**
 * The `after` parameter of a board's list: a cursor of encodePageCursor whose key `fromKey` accepts, or a
 * violation. Absent, it is undefined.
 */
export function afterParameter<Cursor>(raw: unknown, fromKey: (key: unknown[]) => Cursor | undefined, violations: FieldViolation[]): Cursor | undefined {
  if (raw === undefined) return undefined;
  let after: Cursor | undefined;
  try {
    const key: unknown = typeof raw === 'string' ? JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) : undefined;
    after = Array.isArray(key) ? fromKey(key) : undefined;
  } catch {
    after = undefined;
  }
  if (!after) violations.push({ path: 'after', rule: 'cursor', message: 'after must be a nextCursor of this list' });
  return after;
}

/** The parameter `name` if it is one of `values`; a violation if it is given and is not. */
export function oneOfParameter<Value extends string>(
  query: QueryParameters,
  name: string,
  values: readonly Value[],
  violations: FieldViolation[],
): Value | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && (values as readonly string[]).includes(raw)) return raw as Value;
  violations.push({ path: name, rule: 'one_of', message: `${name} must be one of ${values.join(', ')}` });
  return undefined;
}

export function caseListFilter(query: QueryParameters): CaseListFilter {
  const violations: FieldViolation[] = [];
  refuseUnknownParameters(query, ['status', 'crimeArea', 'route', 'updatedAfter', 'after', 'limit'], violations);
  const status = oneOfParameter(query, 'status', ['open', 'closed'] as const, violations);
  const crimeArea = oneOfParameter(query, 'crimeArea', CRIME_AREAS, violations);
  const route = oneOfParameter(query, 'route', ROUTE_NAMES, violations);
  let updatedAfter: string | undefined;
  if (query.updatedAfter !== undefined) {
    if (typeof query.updatedAfter === 'string' && isDateTime(query.updatedAfter)) updatedAfter = new Date(parseDateTime(query.updatedAfter)!).toISOString();
    else violations.push({ path: 'updatedAfter', rule: 'date_time', message: 'updatedAfter must be an RFC 3339 time with offset' });
  }
  const after = afterParameter(
    query.after,
    ([lastActivityAt, caseId]) => (typeof lastActivityAt === 'string' && typeof caseId === 'string' ? { lastActivityAt, caseId } : undefined),
    violations,
  );
  const limit = wholeNumberParameter(query.limit, 'limit', { min: 1, max: MAX_CASE_PAGE, fallback: 100 }, violations);
  if (violations.length > 0) throw new InvalidQuery(violations);
  return { status, crimeArea, route, updatedAfter, after, limit };
}
