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

export const encodeCursor = (cursor: CaseListCursor): string =>
  Buffer.from(JSON.stringify([cursor.lastActivityAt, cursor.caseId])).toString('base64url');

function decodeCursor(raw: string): CaseListCursor | undefined {
  try {
    const [lastActivityAt, caseId] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    return typeof lastActivityAt === 'string' && typeof caseId === 'string' ? { lastActivityAt, caseId } : undefined;
  } catch {
    return undefined;
  }
}

export function caseListFilter(query: QueryParameters): CaseListFilter {
  const violations: FieldViolation[] = [];
  refuseUnknownParameters(query, ['status', 'crimeArea', 'route', 'updatedAfter', 'after', 'limit'], violations);
  const oneOf = (name: string, values: readonly string[]): string | undefined => {
    const raw = query[name];
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string' || !values.includes(raw)) violations.push({ path: name, rule: 'one_of', message: `${name} must be one of ${values.join(', ')}` });
    return raw as string;
  };
  const status = oneOf('status', ['open', 'closed']) as CaseListFilter['status'];
  const crimeArea = oneOf('crimeArea', CRIME_AREAS);
  const route = oneOf('route', ROUTE_NAMES);
  let updatedAfter: string | undefined;
  if (query.updatedAfter !== undefined) {
    if (typeof query.updatedAfter === 'string' && isDateTime(query.updatedAfter)) updatedAfter = new Date(parseDateTime(query.updatedAfter)!).toISOString();
    else violations.push({ path: 'updatedAfter', rule: 'date_time', message: 'updatedAfter must be an RFC 3339 time with offset' });
  }
  let after: CaseListCursor | undefined;
  if (query.after !== undefined) {
    after = typeof query.after === 'string' ? decodeCursor(query.after) : undefined;
    if (!after) violations.push({ path: 'after', rule: 'cursor', message: 'after must be a nextCursor of this list' });
  }
  const limit = wholeNumberParameter(query.limit, 'limit', { min: 1, max: MAX_CASE_PAGE, fallback: 100 }, violations);
  if (violations.length > 0) throw new InvalidQuery(violations);
  return { status, crimeArea, route, updatedAfter, after, limit };
}
