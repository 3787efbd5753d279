import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { DtoClass, NestedDto } from './fields';
import { FieldRules, fieldRulesIn } from './rule';

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/** What the validator and the schema builder need to know about one DTO class, read from the class-validator metadata. */
export interface DtoModel {
  /** Every field the class declares; any other key is an unknown field. */
  readonly properties: ReadonlySet<string>;
  readonly nested: ReadonlyMap<string, NestedDto>;
  /** The rules of each field, by class-validator constraint name (value rules, item rules). */
  readonly rules: ReadonlyMap<string, ReadonlyMap<string, FieldRules>>;
}

const models = new Map<DtoClass, DtoModel>();

export function dtoModelOf(dto: DtoClass): DtoModel {
  let model = models.get(dto);
  if (model === undefined) {
    model = buildModel(getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false));
    models.set(dto, model);
  }
  return model;
}

function buildModel(metadatas: readonly ValidationMetadata[]): DtoModel {
  const properties = new Set<string>();
  const nested = new Map<string, NestedDto>();
  const rules = new Map<string, Map<string, FieldRules>>();
  for (const metadata of metadatas) {
    const property = metadata.propertyName;
    properties.add(property);
    const fieldRules = fieldRulesIn(metadata.constraints);
    if (fieldRules !== undefined) {
      const ofProperty = rules.get(property) ?? new Map<string, FieldRules>();
      ofProperty.set(fieldRules.constraintName, fieldRules);
      rules.set(property, ofProperty);
    } else if (metadata.type === ValidationTypes.NESTED_VALIDATION) {
      nested.set(property, (metadata.context as { nested: NestedDto }).nested);
    }
  }
  return { properties, nested, rules };
}

/** The value rules of each field (how it declares its presence, whether it accepts null). */
export function valueRulesOf(model: DtoModel): FieldRules[] {
  return [...model.rules.values()].flatMap((byConstraint) => [...byConstraint.values()].filter((rules) => !rules.each));
}

function nestedDtos(nested: NestedDto): DtoClass[] {
  return 'dto' in nested ? [nested.dto()] : [...new Set(Object.values(nested.dtoByMessageType()))];
}

/** Every DTO class an instance of `root` can contain, `root` first. */
export function reachableDtos(root: DtoClass): DtoClass[] {
  const found: DtoClass[] = [root];
  for (let index = 0; index < found.length; index++) {
    for (const nested of dtoModelOf(found[index]).nested.values()) {
      for (const dto of nestedDtos(nested)) if (!found.includes(dto)) found.push(dto);
    }
  }
  return found;
}
