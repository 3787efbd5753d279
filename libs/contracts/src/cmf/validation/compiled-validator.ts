import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { isMessageType } from '../vocabularies';
import { toDtoInstance } from './dto-instance';
import { DtoClass, NestedDto, objectType } from './fields';
import { isJsonObject, JsonObject } from './json';
import { runInMessageScope } from './message-tree';
import { FieldRules, fieldRulesIn, Rule } from './rule';
import { itemViolations, valueViolations } from './rule-violations';
import { consolidate, fieldPath, itemPath, RankedViolation, Violation } from './violation';

/**
 * A validator compiled, once, from the class-validator metadata of the DTO classes (the same metadata class-validator
 * reads, and the JSON Schema is built from), which reports exactly what class-validator reports through
 * `validation-errors.ts` — same paths, rules, messages and order — without class-validator's per-object work
 * (metadata lookups and filtering, error objects, DTO instances).
 *
 * Each DTO class becomes a list of fields in class-validator's order (own fields in declaration order, then inherited
 * ones), each field a list of plain checks: its `ValidateIf` conditions, its value and item rules (`FieldRules`, in the
 * order class-validator runs them), and the compiled class of its nested value. The checks run on the received JSON
 * itself; the rules that read the message (its header, when it was received) read it from the message scope.
 *
 * The received JSON is what class-validator sees (the DTO instances built by `toDtoInstance`) as long as it has no key
 * the DTO classes do not declare and its objects are plain: then the compiled checks run on the JSON. Otherwise (a
 * message that is refused anyway) they run on the DTO instances, after the unknown keys are reported, as class-validator
 * does.
 *
 * What lies inside a value refused for its presence or type is not looked at: `consolidate` would drop it. So, unlike
 * class-validator, it never reads the `constructor` of a raw object in a list inside a list (class-validator throws
 * when that is null).
 *
 * validate-cmf-message.differential.spec.ts checks it against class-validator itself.
 */

type Condition = (holder: object, value: unknown) => boolean;
type Test = Rule['test'];

interface CompiledRules {
  readonly fieldRules: FieldRules;
  /** Applied to each item of a list rather than to the list. */
  readonly each: boolean;
  /** `null` counts as absent. */
  readonly acceptsNull: boolean;
  readonly whenPresent: readonly Test[];
  /** The presence rules. */
  readonly whenAbsent: readonly Test[];
}

interface CompiledField {
  readonly property: string;
  /** `ValidateIf`: the field is not checked at all unless every condition holds. */
  readonly conditions: readonly Condition[];
  /** In class-validator's order. */
  readonly rules: readonly CompiledRules[];
  /** The class of the nested value (`undefined` when it cannot be told, e.g. the body of an unknown message type). */
  readonly nested: ((holder: JsonObject) => CompiledDto | undefined) | undefined;
}

/** Checks one field of `holder`, reporting what fails to `check`. */
type FieldCheck = (holder: JsonObject, check: Check) => void;

interface CompiledDto {
  /** Every field the class declares; any other key is an unknown field. */
  readonly declared: ReadonlySet<string>;
  /** In class-validator's order. */
  readonly fields: FieldCheck[];
}

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

// ---- compiling -------------------------------------------------------------------------------------------------

class Compiler {
  private readonly compiled = new Map<DtoClass, CompiledDto>();

  compile(dto: DtoClass): CompiledDto {
    const existing = this.compiled.get(dto);
    if (existing !== undefined) return existing;
    const storage = getMetadataStorage();
    // the arguments class-validator's ValidationExecutor passes (no groups), so the same metadata in the same order
    const metadatas = storage.getTargetValidationMetadatas(dto, '', false, false);
    if (metadatas.length === 0) throw new Error(`${dto.name} declares no field`);
    const byProperty = storage.groupByPropertyName(metadatas);
    const compiled: CompiledDto = { declared: new Set(Object.keys(byProperty)), fields: [] };
    this.compiled.set(dto, compiled); // before the fields: a class may (indirectly) contain itself
    for (const [property, ofProperty] of Object.entries(byProperty)) {
      compiled.fields.push(fieldCheck(this.compileField(dto, property, ofProperty)));
    }
    return compiled;
  }

  private compileField(dto: DtoClass, property: string, metadatas: readonly ValidationMetadata[]): CompiledField {
    const where = `${dto.name}.${property}`;
    const conditions: Condition[] = [];
    const rules: CompiledRules[] = [];
    let nested: NestedDto | undefined;
    for (const metadata of metadatas) {
      if (metadata.type === ValidationTypes.CONDITIONAL_VALIDATION) {
        conditions.push(metadata.constraints[0] as Condition);
      } else if (metadata.type === ValidationTypes.CUSTOM_VALIDATION) {
        const fieldRules = fieldRulesIn(metadata.constraints);
        if (fieldRules === undefined) throw new Error(`${where}: only the rules of validation/fields.ts can be compiled`);
        if (fieldRules.each !== metadata.each || rules.some((other) => other.each === fieldRules.each)) {
          throw new Error(`${where}: unexpected rule registration`);
        }
        rules.push(compileRules(fieldRules));
      } else if (metadata.type === ValidationTypes.NESTED_VALIDATION) {
        const context = metadata.context as { nested?: NestedDto } | undefined;
        if (context?.nested === undefined || nested !== undefined) throw new Error(`${where}: unexpected nested validation`);
        nested = context.nested;
      } else {
        throw new Error(`${where}: class-validator metadata of type ${metadata.type} cannot be compiled`);
      }
    }
    // A nested value is refused unless it is an object (Nested) or a list of objects (NestedList), so the compiled
    // validator never descends into what class-validator would refuse as an unknown value (a list inside a list).
    if (nested !== undefined && !rules.some((compiled) => compiled.fieldRules.rules.includes(objectType))) {
      throw new Error(`${where}: a nested field must refuse what is not an object`);
    }
    return { property, conditions, rules, nested: nested === undefined ? undefined : this.compileNested(nested) };
  }

  private compileNested(nested: NestedDto): (holder: JsonObject) => CompiledDto | undefined {
    if ('dto' in nested) {
      let compiled: CompiledDto | undefined;
      return () => (compiled ??= this.compile(nested.dto()));
    }
    const byType = new Map<string, CompiledDto>();
    return (holder) => {
      // as `toDtoInstance` picks the class of a body
      const header = holder.header;
      const type = isJsonObject(header) ? header.type : undefined;
      if (!isMessageType(type)) return undefined;
      let compiled = byType.get(type);
      if (compiled === undefined) byType.set(type, (compiled = this.compile(nested.dtoByMessageType()[type])));
      return compiled;
    };
  }
}

/** `FieldRules`, sorted out once: while the field is absent only its presence rules apply. */
function compileRules(fieldRules: FieldRules): CompiledRules {
  return {
    fieldRules,
    each: fieldRules.each,
    acceptsNull: fieldRules.acceptsNull,
    whenPresent: fieldRules.rules.map((rule) => rule.test),
    whenAbsent: fieldRules.rules.filter((rule) => rule.kind === 'presence').map((rule) => rule.test),
  };
}

/** `FieldRules.passes`: whether the rules hold, without saying which fail. */
function passes(rules: CompiledRules, value: unknown, holder: object): boolean {
  const absent = !rules.each && (value === undefined || (rules.acceptsNull && value === null));
  const tests = absent ? rules.whenAbsent : rules.whenPresent;
  for (let index = 0; index < tests.length; index++) if (!tests[index](value, holder)) return false;
  return true;
}

/** The check of a field: a plain field (the most common) gets its own closure, any other the general walk. */
function fieldCheck(field: CompiledField): FieldCheck {
  const { property, conditions, rules, nested } = field;
  if (conditions.length === 0 && nested === undefined && rules.length === 1 && !rules[0].each) {
    const [valueRules] = rules;
    return (holder, check) => {
      const value = holder[property];
      if (!passes(valueRules, value, holder)) check.reportValue(valueRules, value, holder, property);
    };
  }
  return (holder, check) => check.field(field, holder);
}

// ---- checking --------------------------------------------------------------------------------------------------

/** One run of the compiled checks over a message. */
class Check {
  readonly violations: RankedViolation[] = [];
  /** The path of the object being checked, joined only when a violation is reported. */
  private readonly steps: (string | number)[] = [];
  /** Found a key the DTO classes do not declare, or an object that is not plain. */
  notAsClassValidatorSees = false;

  /** @param onJson the checks run on the received JSON, not on DTO instances */
  constructor(private readonly onJson: boolean) {}

  object(dto: CompiledDto, json: JsonObject): void {
    if (this.onJson) {
      this.lookForUnknownKeys(dto, json);
      if (this.notAsClassValidatorSees) return; // the checks will run on the DTO instances instead
    }
    const fields = dto.fields;
    for (let index = 0; index < fields.length; index++) fields[index](json, this);
  }

  private lookForUnknownKeys(dto: CompiledDto, json: JsonObject): void {
    if (Object.getPrototypeOf(json) !== Object.prototype) this.notAsClassValidatorSees = true;
    // every own enumerable key, and inherited enumerable ones (these make it take the other way, which is exact too)
    for (const key in json) if (!dto.declared.has(key)) this.notAsClassValidatorSees = true;
  }

  /** As class-validator's `performValidations` of one property, then `nestedValidations`. */
  field(field: CompiledField, holder: JsonObject): void {
    const value = holder[field.property];
    const conditions = field.conditions;
    for (let index = 0; index < conditions.length; index++) if (!conditions[index](holder, value)) return;
    // A presence or type failure at the path of the value (or of an item) hides everything inside it (`consolidate`),
    // so what is inside is not checked at all.
    let refused = false;
    let refusedItems: Set<number> | undefined;
    const rules = field.rules;
    for (let index = 0; index < rules.length; index++) {
      const compiled = rules[index];
      if (!compiled.each) {
        if (!passes(compiled, value, holder)) refused = this.reportValue(compiled, value, holder, field.property) || refused;
      } else if (Array.isArray(value)) {
        for (let item = 0; item < value.length; item++) {
          if (!passes(compiled, value[item], holder) && this.reportItem(compiled, value, item, holder, field.property)) {
            (refusedItems ??= new Set()).add(item);
          }
        }
      }
    }
    if (field.nested === undefined || value === undefined || refused) return;
    this.steps.push(field.property);
    this.nested(field.nested(holder), value, refusedItems);
    this.steps.pop();
  }

  private nested(dto: CompiledDto | undefined, value: unknown, refusedItems: ReadonlySet<number> | undefined): void {
    if (Array.isArray(value)) {
      for (let item = 0; item < value.length; item++) {
        if (refusedItems?.has(item)) continue;
        this.steps.push(item);
        // a list refused as an item is not looked into (see the `objectType` requirement of `compileField`)
        if (!Array.isArray(value[item])) this.nested(dto, value[item], undefined);
        this.steps.pop();
      }
    } else if (isJsonObject(value) && dto !== undefined) {
      this.object(dto, value);
    } else {
      // class-validator's own nestedValidation (or unknownValue) constraint
      this.violations.push({ path: this.path(), rule: objectType.name, kind: objectType.kind, message: objectType.message });
    }
  }

  /** Reports the failing value rules of a field; whether one is a presence or type failure at its path. */
  reportValue(compiled: CompiledRules, value: unknown, holder: JsonObject, property: string): boolean {
    const path = fieldPath(this.path(), property);
    let refused = false;
    for (const violation of valueViolations(compiled.fieldRules, value, holder, path)) {
      this.violations.push(violation);
      if (violation.kind !== 'value' && violation.path === path) refused = true;
    }
    return refused;
  }

  /** Reports the failing item rules of item `index` of a list; whether one is a presence or type failure. */
  private reportItem(compiled: CompiledRules, list: unknown[], index: number, holder: JsonObject, property: string): boolean {
    let refused = false;
    for (const violation of itemViolations(compiled.fieldRules, list[index], holder, itemPath(fieldPath(this.path(), property), index))) {
      this.violations.push(violation);
      if (violation.kind !== 'value') refused = true;
    }
    return refused;
  }

  private path(): string {
    let path = '';
    for (const step of this.steps) path = typeof step === 'number' ? itemPath(path, step) : fieldPath(path, step);
    return path;
  }
}

const NO_VIOLATIONS: readonly Violation[] = Object.freeze([]);

export type CompiledValidator = (message: JsonObject, receivedAt: Date) => readonly Violation[];

/**
 * Compiles the validator of `root` (at first use: the DTO classes are all defined by then). It returns the violations
 * of a message, as `consolidate` orders them; none when the message is valid.
 */
export function compileValidator(root: DtoClass): CompiledValidator {
  let compiled: CompiledDto | undefined;
  const run = (dto: CompiledDto, message: JsonObject, receivedAt: Date, onJson: boolean): Check =>
    runInMessageScope(message, receivedAt, () => {
      const check = new Check(onJson);
      check.object(dto, message);
      return check;
    });
  return (message, receivedAt) => {
    const dto = (compiled ??= new Compiler().compile(root));
    const onJson = run(dto, message, receivedAt, true);
    if (!onJson.notAsClassValidatorSees) return onJson.violations.length === 0 ? NO_VIOLATIONS : consolidate(onJson.violations);
    // the message as class-validator sees it, its header included (the rules read the header of the instances)
    const unknownFields: RankedViolation[] = [];
    const instance = toDtoInstance(root, message, unknownFields) as JsonObject;
    return consolidate([...unknownFields, ...run(dto, instance, receivedAt, false).violations]);
  };
}
