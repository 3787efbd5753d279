import { FieldViolation } from '@cmx/errors';

export type QueryParameters = Record<string, string | string[] | undefined>;

/** Records a violation for every parameter outside `known`. */
export function refuseUnknownParameters(query: QueryParameters, known: readonly string[], violations: FieldViolation[]): void {
  for (const key of Object.keys(query)) {
    if (!known.includes(key)) violations.push({ path: key, rule: 'unknown_field', message: 'unknown parameter' });
  }
}

/** A whole-number parameter in [min, max]; `fallback` when absent, a violation when malformed. */
export function wholeNumberParameter(
  raw: string | string[] | undefined,
  name: string,
  range: { readonly min: number; readonly max: number; readonly fallback: number },
  violations: FieldViolation[],
): number {
  if (raw === undefined) return range.fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || value < range.min || value > range.max) {
    violations.push({ path: name, rule: 'range', message: `${name} must be a whole number from ${range.min} to ${range.max}` });
    return range.fallback;
  }
  return value;
}
