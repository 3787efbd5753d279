import { RuleKind } from './rule';

/** One failing field: `path` like `header.handling.conditions` or `body.persons[2].ref`, `rule` a stable snake_case id. */
export type Violation = { readonly path: string; readonly rule: string; readonly message: string };

export interface RankedViolation extends Violation {
  readonly kind: RuleKind;
}

const plainFieldName = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `header.sentAt`; a key that is not a plain name is quoted: `body["a.b"]`, `[""]`. */
export function fieldPath(holderPath: string, field: string): string {
  if (!plainFieldName.test(field)) return `${holderPath}[${JSON.stringify(field)}]`;
  return holderPath === '' ? field : `${holderPath}.${field}`;
}

export function itemPath(listPath: string, index: number | string): string {
  return `${listPath}[${index}]`;
}

export const unknownFieldRule = { name: 'unknown_field', kind: 'presence', message: 'is not a field of CMF/1' } as const;

export function unknownField(path: string): RankedViolation {
  return { path, rule: unknownFieldRule.name, kind: unknownFieldRule.kind, message: unknownFieldRule.message };
}

const kindRank: Readonly<Record<RuleKind, number>> = { presence: 0, type: 1, value: 2 };

/** Strictly inside: a path is not inside itself. */
function isInside(path: string, ancestor: string): boolean {
  if (ancestor === '') return path !== '';
  return path.length > ancestor.length && path.startsWith(ancestor) && (path[ancestor.length] === '.' || path[ancestor.length] === '[');
}

/**
 * One violation per path and rule; at each path only the violations of the highest-ranking kind; nothing inside a
 * value that is missing or of the wrong type (its content is not what the format describes).
 */
export function consolidate(violations: readonly RankedViolation[]): Violation[] {
  const bestRankByPath = new Map<string, number>();
  for (const violation of violations) {
    const rank = kindRank[violation.kind];
    bestRankByPath.set(violation.path, Math.min(rank, bestRankByPath.get(violation.path) ?? rank));
  }
  const wrongValuePaths = [...bestRankByPath].filter(([, rank]) => rank < kindRank.value).map(([path]) => path);
  const seen = new Set<string>();
  const result: Violation[] = [];
  for (const { path, rule, message, kind } of violations) {
    const key = `${path}\u0000${rule}`;
    if (seen.has(key) || kindRank[kind] !== bestRankByPath.get(path)) continue;
    if (wrongValuePaths.some((ancestor) => isInside(path, ancestor))) continue;
    seen.add(key);
    result.push({ path, rule, message });
  }
  return result;
}
