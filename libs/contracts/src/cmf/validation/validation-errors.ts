import { ValidationError } from 'class-validator';
import { dtoModelOf } from './dto-model';
import { objectType, type DtoClass } from './fields';
import { itemViolations, valueViolations } from './rule-violations';
import { fieldPath, itemPath, RankedViolation, unknownFieldRule } from './violation';

/** Constraints of class-validator itself, not of a CMF/1 rule. */
const builtInRules: Readonly<Record<string, Pick<RankedViolation, 'rule' | 'kind' | 'message'>>> = {
  // a nested value that is neither an object nor a list, or an item of a nested list that is itself a list
  nestedValidation: { rule: objectType.name, kind: objectType.kind, message: objectType.message },
  unknownValue: { rule: objectType.name, kind: objectType.kind, message: objectType.message },
  whitelistValidation: { rule: unknownFieldRule.name, kind: unknownFieldRule.kind, message: unknownFieldRule.message },
};

/** The violations of a class-validator error tree, each at the path of the failing value or list item. */
export function validationErrorViolations(errors: readonly ValidationError[], holderPath = '', holderIsList = false): RankedViolation[] {
  const violations: RankedViolation[] = [];
  for (const error of errors) {
    const path = holderIsList ? itemPath(holderPath, error.property) : fieldPath(holderPath, error.property);
    for (const constraintName of Object.keys(error.constraints ?? {})) {
      violations.push(...constraintViolations(error, path, constraintName));
    }
    if (error.children?.length) {
      violations.push(...validationErrorViolations(error.children, path, Array.isArray(error.value)));
    }
  }
  return violations;
}

function constraintViolations(error: ValidationError, path: string, constraintName: string): RankedViolation[] {
  const holder = error.target as object | undefined;
  const fieldRules =
    holder &&
    dtoModelOf(holder.constructor as DtoClass)
      .rules.get(error.property)
      ?.get(constraintName);
  if (!holder || !fieldRules) {
    const builtIn = builtInRules[constraintName];
    return [builtIn ? { path, ...builtIn } : { path, rule: constraintName, kind: 'value', message: error.constraints?.[constraintName] ?? '' }];
  }
  if (!fieldRules.each) return valueViolations(fieldRules, error.value, holder, path);
  const list = error.value;
  return Array.isArray(list) ? list.flatMap((item, index) => itemViolations(fieldRules, item, holder, itemPath(path, index))) : [];
}
