import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type * as ClassValidatorJsonSchema from 'class-validator-jsonschema';
import { CmfMessageDto } from '../cmf/dto/message.dto';
import { CMF_SCHEMA_VERSION, MessageType } from '../cmf/vocabularies';
import { dtoModelOf, reachableDtos, valueRulesOf } from '../cmf/validation/dto-model';
import { DtoClass, messageTypeIf, NestedDto } from '../cmf/validation/fields';
import { fieldRulesIn, JsonSchema, SCHEMA_DEFINITIONS_POINTER, schemaRef } from '../cmf/validation/rule';

export type { JsonSchema };

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/** class-validator-jsonschema is loaded only when a schema is built (the OpenAPI document, the export): never on the ingest path. */
function loadSchemaGenerator(): typeof ClassValidatorJsonSchema {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('class-validator-jsonschema') as typeof ClassValidatorJsonSchema;
}

function schemaNameOf(dto: DtoClass): string {
  return dto.name.replace(/Dto$/, '');
}

type SchemaGeneratorOptions = NonNullable<Parameters<typeof ClassValidatorJsonSchema.validationMetadataArrayToSchemas>[1]>;

/** Each rule states its own schema; a nested DTO is a reference to its definition. */
const converters = {
  [ValidationTypes.CUSTOM_VALIDATION]: (meta: ValidationMetadata) =>
    Object.assign({}, ...(fieldRulesIn(meta.constraints)?.rules ?? []).map((rule) => rule.schema)),
  [ValidationTypes.NESTED_VALIDATION]: (meta: ValidationMetadata) => {
    const nested = (meta.context as { nested: NestedDto }).nested;
    return 'dto' in nested ? schemaRef(schemaNameOf(nested.dto())) : {};
  },
  [ValidationTypes.CONDITIONAL_VALIDATION]: {},
} as SchemaGeneratorOptions['additionalConverters'];

/** Per message type, the body the message carries. */
function bodyByMessageType(messageDto: DtoClass): JsonSchema[] {
  return [...dtoModelOf(messageDto).nested].flatMap(([property, nested]) =>
    'dtoByMessageType' in nested
      ? Object.entries(nested.dtoByMessageType()).map(([type, dto]) => ({
          if: messageTypeIf([type as MessageType]),
          then: { properties: { [property]: schemaRef(schemaNameOf(dto)) } },
        }))
      : [],
  );
}

/**
 * The JSON Schema (draft 2020-12) of CMF/1, generated from the DTO classes: the same rules the validator applies,
 * except those JSON Schema cannot state (real calendar days, refs unique within a list, a case not linked to itself,
 * sentAt relative to the time of receipt), which appear as descriptions or as patterns of the shape only.
 */
export function buildCmfJsonSchema(): JsonSchema {
  const dtos = reachableDtos(CmfMessageDto);
  const storage = getMetadataStorage();
  const metadatas = [...new Set(dtos.flatMap((dto) => storage.getTargetValidationMetadatas(dto, '', true, false)))];
  const generated = loadSchemaGenerator().validationMetadataArrayToSchemas(metadatas as ValidationMetadata[], {
    refPointerPrefix: SCHEMA_DEFINITIONS_POINTER,
    additionalConverters: converters,
  }) as Record<string, { properties?: Record<string, JsonSchema> }>;

  const definitions: Record<string, JsonSchema> = {};
  const messageAllOf: JsonSchema[] = bodyByMessageType(CmfMessageDto);
  for (const dto of dtos) {
    const fields = valueRulesOf(dtoModelOf(dto));
    const nullable = new Set(fields.filter((field) => field.acceptsNull).map((field) => field.property));
    const properties: Record<string, JsonSchema> = {};
    for (const [property, schema] of Object.entries(generated[dto.name].properties ?? {})) {
      properties[property] = nullable.has(property) ? { anyOf: [schema, { type: 'null' }] } : schema;
    }
    const allOf: JsonSchema[] = [];
    for (const byConstraint of dtoModelOf(dto).rules.values()) {
      for (const { property, rules } of byConstraint.values()) {
        for (const rule of rules) {
          if (rule.holderSchema) allOf.push(rule.holderSchema(property));
          if (rule.messageSchema) messageAllOf.push(rule.messageSchema(property));
          Object.assign(definitions, rule.definitions);
        }
      }
    }
    definitions[schemaNameOf(dto)] = {
      type: 'object',
      properties,
      required: fields.filter((field) => field.presence === 'required').map((field) => field.property),
      additionalProperties: false,
      ...(allOf.length > 0 ? { allOf } : {}),
    };
  }

  const messageName = schemaNameOf(CmfMessageDto);
  const { allOf: messageHolderAllOf = [], ...message } = definitions[messageName] as { allOf?: JsonSchema[] };
  delete definitions[messageName];
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:cmx:cmf:${CMF_SCHEMA_VERSION}`,
    title: `Case Message Format, version ${CMF_SCHEMA_VERSION} (CMF/${CMF_SCHEMA_VERSION.split('.')[0]})`,
    description:
      'Generated from the DTO classes of libs/contracts (npm run schema:export). Rules JSON Schema cannot state are ' +
      'given as descriptions; the exchange also refuses them.',
    ...message,
    allOf: [...messageHolderAllOf, ...messageAllOf],
    $defs: definitions,
  };
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
  );
}

/** The schema as written to docs/cmf-1.schema.json: keys sorted, two-space indent, trailing newline. */
export function serializeJsonSchema(schema: JsonSchema): string {
  return `${JSON.stringify(sortedKeys(schema), null, 2)}\n`;
}
