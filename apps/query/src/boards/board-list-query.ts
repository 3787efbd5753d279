import { DOCUMENT_STATUSES, DOCUMENT_TYPES, LOCATION_KINDS, PERSON_ROLES } from '@cmx/contracts';
import { FieldViolation, InvalidQuery } from '@cmx/errors';
import { QueryParameters, refuseUnknownParameters, wholeNumberParameter } from '@cmx/platform';
import type { BoardItemPosition, BoardListFilter, BoardListName } from '@cmx/read-models';
import { afterParameter, encodePageCursor, oneOfParameter } from './board-query';

export const MAX_ITEM_PAGE = 500;

export interface BoardListQuery {
  readonly filter: BoardListFilter;
  readonly after?: BoardItemPosition;
  readonly limit: number;
}

/** The filters each list takes, with the values each may have. */
const FILTERS: Readonly<Record<BoardListName, Readonly<Record<string, readonly string[]>>>> = {
  documents: { status: [...DOCUMENT_STATUSES, 'flagged'], type: DOCUMENT_TYPES },
  vessels: {},
  vehicles: {},
  locations: { kind: LOCATION_KINDS },
  interceptions: {},
  persons: { role: PERSON_ROLES },
};

export const encodeItemCursor = ({ lastActivityAt, caseId, index }: BoardItemPosition): string => encodePageCursor([lastActivityAt, caseId, index]);

const itemPositionOf = ([lastActivityAt, caseId, index]: unknown[]): BoardItemPosition | undefined =>
  typeof lastActivityAt === 'string' && typeof caseId === 'string' && Number.isSafeInteger(index) && (index as number) >= 0
    ? { lastActivityAt, caseId, index: index as number }
    : undefined;

/** The parameters of GET …/{list}: the list's filters, `after` (a nextCursor of the list) and `limit`. */
export function boardListQuery(list: BoardListName, query: QueryParameters): BoardListQuery {
  const violations: FieldViolation[] = [];
  const filters = FILTERS[list];
  refuseUnknownParameters(query, [...Object.keys(filters), 'after', 'limit'], violations);
  const filter: Record<string, string> = {};
  for (const [name, values] of Object.entries(filters)) {
    const value = oneOfParameter(query, name, values, violations);
    if (value !== undefined) filter[name] = value;
  }
  const after = afterParameter(query.after, itemPositionOf, violations);
  const limit = wholeNumberParameter(query.limit, 'limit', { min: 1, max: MAX_ITEM_PAGE, fallback: 100 }, violations);
  if (violations.length > 0) throw new InvalidQuery(violations);
  return { filter: filter as BoardListFilter, after, limit };
}

/**
 * Whether the client asks for GeoJSON rather than JSON: application/geo+json
 * is acceptable to it (q above 0) and not less so than application/json.
 */
export function prefersGeoJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const quality = new Map<string, number>();
  for (const range of accept.split(',')) {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    quality.set(type, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  const geo = quality.get('application/geo+json') ?? 0;
  return geo > 0 && geo >= (quality.get('application/json') ?? 0);
}
