import { FieldRules, Rule } from './rule';
import { RankedViolation } from './violation';

/** How the failing rules of a field are reported, the same whichever validator found them. */

function violation(path: string, { name, kind, message }: Rule): RankedViolation {
  return { path, rule: name, kind, message };
}

/** The violations of the value rules of a field at `path`; a rule that locates its failures reports each of them. */
export function valueViolations(fieldRules: FieldRules, value: unknown, holder: object, path: string): RankedViolation[] {
  return fieldRules.failingRules(value, holder).flatMap((rule) => {
    const parts = rule.locate?.(value) ?? [];
    return parts.length === 0 ? [violation(path, rule)] : parts.map((part) => violation(path + part, rule));
  });
}

/** The violations of the item rules of a list field for one item, at the item's path `path`. */
export function itemViolations(fieldRules: FieldRules, item: unknown, holder: object, path: string): RankedViolation[] {
  return fieldRules.failingRules(item, holder).map((rule) => violation(path, rule));
}
