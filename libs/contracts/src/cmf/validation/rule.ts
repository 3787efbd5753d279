import { registerDecorator, ValidationArguments } from 'class-validator';

export type JsonSchema = { readonly [keyword: string]: unknown };

/** Where the JSON Schema keeps shared definitions; rules point at them with `schemaRef`. */
export const SCHEMA_DEFINITIONS_POINTER = '#/$defs/';
export function schemaRef(definition: string): JsonSchema {
  return { $ref: `${SCHEMA_DEFINITIONS_POINTER}${definition}` };
}

/**
 * At one path, presence failures (missing, not allowed) hide type failures, which hide value failures:
 * a missing field is reported as `required`, not also as "not a string".
 */
export type RuleKind = 'presence' | 'type' | 'value';

/** One rule of the format: how the validator checks it, how it is reported, and what the JSON Schema says. */
export interface Rule {
  /** The stable `rule` of a violation. */
  readonly name: string;
  readonly kind: RuleKind;
  readonly message: string;
  /** `holder` is the DTO instance holding the value (its siblings are the other fields). */
  readonly test: (value: unknown, holder: object) => boolean;
  /** What the rule says about the property, in JSON Schema. */
  readonly schema?: JsonSchema;
  /** Shared definitions `schema` points at. */
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
  /** An `allOf` entry for the schema of the object holding the property (cross-field rules). */
  readonly holderSchema?: (property: string) => JsonSchema;
  /** An `allOf` entry for the schema of the whole message (rules on a body that depend on the header). */
  readonly messageSchema?: (property: string) => JsonSchema;
  /** The failing parts of a failing list as path suffixes (`[2].ref`). */
  readonly locate?: (value: unknown) => readonly string[];
}

export type Presence = 'required' | 'optional' | 'conditional';

/** A field is absent when missing, or when `null` where `null` means absent. */
export function isAbsentValue(value: unknown, acceptsNull: boolean): boolean {
  return value === undefined || (acceptsNull && value === null);
}

/**
 * The rules of one field (or of each item of a list field), checked by a single class-validator constraint: one
 * constraint per field rather than one per rule keeps validation fast. While the field is absent only its presence
 * rules apply.
 */
export class FieldRules {
  readonly rules: Rule[] = [];
  /** How the field declares whether it must be present (value rules only). */
  presence: Presence | undefined;
  /** `null` counts as absent. */
  acceptsNull = false;

  constructor(
    readonly property: string,
    /** Applied to each item of a list rather than to the list. */
    readonly each: boolean,
  ) {}

  get constraintName(): string {
    return this.each ? 'cmf_item_rules' : 'cmf_rules';
  }

  isAbsent(value: unknown): boolean {
    return !this.each && isAbsentValue(value, this.acceptsNull);
  }

  passes(value: unknown, holder: object): boolean {
    const absent = this.isAbsent(value);
    for (const rule of this.rules) {
      if ((!absent || rule.kind === 'presence') && !rule.test(value, holder)) return false;
    }
    return true;
  }

  failingRules(value: unknown, holder: object): Rule[] {
    const absent = this.isAbsent(value);
    return this.rules.filter((rule) => (!absent || rule.kind === 'presence') && !rule.test(value, holder));
  }
}

const fieldRulesByPrototype = new WeakMap<object, Map<string, FieldRules>>();

/** The rules of `property` of the class of `prototype`, registered with class-validator on first use. */
export function fieldRulesOf(prototype: object, property: string, each = false): FieldRules {
  const ofClass = fieldRulesByPrototype.get(prototype) ?? new Map<string, FieldRules>();
  fieldRulesByPrototype.set(prototype, ofClass);
  const key = `${each ? '[]' : ''}${property}`;
  const existing = ofClass.get(key);
  if (existing !== undefined) return existing;
  const fieldRules = new FieldRules(property, each);
  ofClass.set(key, fieldRules);
  registerDecorator({
    name: fieldRules.constraintName,
    target: prototype.constructor,
    propertyName: property,
    constraints: [fieldRules],
    options: { each },
    validator: {
      // class-validator hands item rules the whole value when it is not a list: the list's own type rule reports that.
      validate: (value: unknown, args: ValidationArguments) => (each && !Array.isArray(args.value)) || fieldRules.passes(value, args.object),
    },
  });
  return fieldRules;
}

export function fieldRulesIn(constraints: readonly unknown[] | undefined): FieldRules | undefined {
  const first = constraints?.[0];
  return first instanceof FieldRules ? first : undefined;
}

export interface EachOption {
  /** Apply to each item of a list. */
  readonly each?: boolean;
}

export function applyRule(rule: Rule, options: EachOption = {}): PropertyDecorator {
  return (target, property) => {
    fieldRulesOf(target, String(property), options.each).rules.push(rule);
  };
}

/** Records how a field declares its presence; a field declares it exactly once. */
export function declarePresence(presence: Presence): PropertyDecorator {
  return (target, property) => {
    const fieldRules = fieldRulesOf(target, String(property));
    if (fieldRules.presence !== undefined) {
      throw new Error(`${target.constructor.name}.${String(property)} declares its presence twice`);
    }
    fieldRules.presence = presence;
  };
}

export function composeDecorators(...decorators: readonly PropertyDecorator[]): PropertyDecorator {
  return (target, property) => {
    for (const decorate of decorators) decorate(target, property);
  };
}
