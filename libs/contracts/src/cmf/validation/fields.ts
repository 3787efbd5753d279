import { ValidateIf, ValidateNested } from 'class-validator';
import {
  CASE_ID_MAX_LENGTH,
  CASE_ID_PATTERN,
  COUNTRY_CODES,
  CURRENCY_CODES,
  isCaseId,
  isCountryCode,
  isCurrencyCode,
  isOperationId,
  isPartyCode,
  isTaskForceId,
  isUuid,
  OPERATION_ID_MAX_LENGTH,
  OPERATION_ID_PATTERN,
  PARTY_CODE_MAX_LENGTH,
  PARTY_CODE_PATTERN,
  TASK_FORCE_ID_MAX_LENGTH,
  TASK_FORCE_ID_PATTERN,
  UUID_PATTERN,
} from '../codes';
import { CALENDAR_DATE_PATTERN, DATE_TIME_PATTERN, isCalendarDate, isDateTime, parseDateTime } from '../date-time';
import { REF_MAX_LENGTH } from '../limits';
import { isMessageType, isOneOf, MessageType } from '../vocabularies';
import { isJsonObject } from './json';
import { messageHeaderOf, receiptTimeOf } from './message-tree';
import { applyRule, composeDecorators, declarePresence, EachOption, fieldRulesOf, isAbsentValue, JsonSchema, Rule, schemaRef } from './rule';

/** The property decorators the CMF/1 DTOs are written with; each wraps one or more rules. */

export type DtoClass = abstract new () => object;

/** How the walk that builds DTO instances finds the class of a nested value, kept as the `ValidateNested` context. */
export type NestedDto =
  | { readonly dto: () => DtoClass }
  /** The body of a message, whose class is chosen by `header.type`. */
  | { readonly dtoByMessageType: () => Readonly<Record<MessageType, DtoClass>> };

// ---- presence -------------------------------------------------------------------------------------------------

const required: Rule = { name: 'required', kind: 'presence', message: 'is required', test: (value) => value !== undefined };

export function Required(): PropertyDecorator {
  return composeDecorators(declarePresence('required'), applyRule(required));
}

/** May be absent; `null` is not absent (it is refused by the field's type). */
export function Optional(): PropertyDecorator {
  return declarePresence('optional');
}

/** A condition on the other fields of the object holding a field. */
export type HolderCondition = { readonly sibling: string; readonly in: readonly string[] } | { readonly siblingAbsent: string };
/** A condition on the message's `header.type`, for a field of a message body. */
export type MessageTypeCondition = { readonly messageType: readonly MessageType[] };
/** The condition under which a field is required or not allowed. */
export type FieldCondition = HolderCondition | MessageTypeCondition;

function holds(condition: FieldCondition, holder: object): boolean {
  const siblings = holder as Readonly<Record<string, unknown>>;
  if ('sibling' in condition) return isOneOf(condition.in, siblings[condition.sibling]);
  if ('siblingAbsent' in condition) return siblings[condition.siblingAbsent] === undefined;
  return isOneOf(condition.messageType, messageHeaderOf(holder)?.type);
}

function alternatives(values: readonly string[]): string {
  return values.length === 1 ? values[0] : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

function describeCondition(condition: FieldCondition): string {
  if ('sibling' in condition) return `${condition.sibling} is ${alternatives(condition.in)}`;
  if ('siblingAbsent' in condition) return `${condition.siblingAbsent} is absent`;
  return `the message type is ${alternatives(condition.messageType)}`;
}

function holderIf(condition: HolderCondition): JsonSchema {
  if ('sibling' in condition) {
    return { properties: { [condition.sibling]: { enum: condition.in } }, required: [condition.sibling] };
  }
  return { not: { required: [condition.siblingAbsent] } };
}

export function messageTypeIf(types: readonly MessageType[]): JsonSchema {
  return { properties: { header: { type: 'object', properties: { type: { enum: types } }, required: ['type'] } }, required: ['header'] };
}

export interface RequiredWhenOptions {
  /** `null` is accepted when the condition does not hold, and counts as absent when it does. */
  readonly nullable?: boolean;
}

/** Required when `condition` holds, reported with rule `ruleName`; otherwise optional. */
export function RequiredWhen(condition: FieldCondition, ruleName: string, options: RequiredWhenOptions = {}): PropertyDecorator {
  const acceptsNull = options.nullable ?? false;
  const requiredThen = (property: string): JsonSchema => ({
    required: [property],
    ...(acceptsNull ? { properties: { [property]: { not: { type: 'null' } } } } : {}),
  });
  const rule: Rule = {
    name: ruleName,
    kind: 'presence',
    message: `is required when ${describeCondition(condition)}`,
    test: (value, holder) => !isAbsentValue(value, acceptsNull) || !holds(condition, holder),
    ...('messageType' in condition
      ? {
          messageSchema: (property) => ({
            if: messageTypeIf(condition.messageType),
            then: { properties: { body: { type: 'object', ...requiredThen(property) } } },
          }),
        }
      : { holderSchema: (property) => ({ if: holderIf(condition), then: requiredThen(property) }) }),
  };
  return composeDecorators(declarePresence('conditional'), applyRule(rule), (target, property) => {
    fieldRulesOf(target, String(property)).acceptsNull = acceptsNull;
  });
}

/** Not allowed when `condition` holds, reported with rule `ruleName`. */
export function ForbiddenWhen(condition: HolderCondition, ruleName: string): PropertyDecorator {
  return applyRule({
    name: ruleName,
    kind: 'presence',
    message: `is not allowed when ${describeCondition(condition)}`,
    test: (value, holder) => value === undefined || !holds(condition, holder),
    holderSchema: (property) => ({ if: holderIf(condition), then: { not: { required: [property] } } }),
  });
}

// ---- types ----------------------------------------------------------------------------------------------------

function typeRule(message: string, test: (value: unknown) => boolean, schema: JsonSchema): Rule {
  return { name: 'type', kind: 'type', message, test, schema };
}

const stringType = typeRule('must be a string', (value) => typeof value === 'string', { type: 'string' });
const numberType = typeRule('must be a number', (value) => typeof value === 'number' && Number.isFinite(value), {
  type: 'number',
});
export const objectType = typeRule('must be an object', isJsonObject, { type: 'object' });
const arrayType = typeRule('must be a list', Array.isArray, { type: 'array' });

// ---- strings --------------------------------------------------------------------------------------------------

function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

const nonEmptyText: Rule = {
  name: 'min_length',
  kind: 'value',
  message: 'must not be empty',
  test: (value) => typeof value !== 'string' || value.length > 0,
  schema: { minLength: 1 },
};

function maxLength(limit: number): Rule {
  return {
    name: 'max_length',
    kind: 'value',
    message: `must be at most ${limit} characters long`,
    // JSON Schema counts code points; UTF-16 length is an upper bound of that, so count only when it exceeds the limit.
    test: (value) => typeof value !== 'string' || value.length <= limit || codePointLength(value) <= limit,
    schema: { maxLength: limit },
  };
}

/** A non-empty string of at most `limit` characters. */
export function IsText(limit: number, options: EachOption = {}): PropertyDecorator {
  return composeDecorators(applyRule(stringType, options), applyRule(nonEmptyText, options), applyRule(maxLength(limit), options));
}

/** A reference to a list item of the case (`P1`, `D2`). */
export function IsRef(options: EachOption = {}): PropertyDecorator {
  return IsText(REF_MAX_LENGTH, options);
}

export function IsOneOf(values: readonly string[], options: EachOption = {}): PropertyDecorator {
  const rule: Rule = {
    name: 'enum',
    kind: 'value',
    message: `must be one of: ${values.join(', ')}`,
    test: (value) => isOneOf(values, value),
    schema: { enum: values },
  };
  return composeDecorators(applyRule(stringType, options), applyRule(rule, options));
}

/** A string rule whose JSON Schema lives in a shared definition. */
function definedStringRule(name: string, message: string, test: (value: unknown) => boolean, definition: string, definitionSchema: JsonSchema): Rule {
  return {
    name,
    kind: 'value',
    message,
    test,
    schema: schemaRef(definition),
    definitions: { [definition]: { type: 'string', ...definitionSchema } },
  };
}

function stringRuleDecorator(rule: Rule): (options?: EachOption) => PropertyDecorator {
  return (options = {}) => composeDecorators(applyRule(stringType, options), applyRule(rule, options));
}

export const IsCountryCode = stringRuleDecorator(
  definedStringRule('country_code', 'must be an ISO 3166-1 alpha-2 country code', isCountryCode, 'CountryCode', {
    enum: COUNTRY_CODES,
  }),
);

export const IsCurrencyCode = stringRuleDecorator(
  definedStringRule('currency_code', 'must be an ISO 4217 currency code', isCurrencyCode, 'CurrencyCode', {
    enum: CURRENCY_CODES,
  }),
);

export const IsPartyCode = stringRuleDecorator(
  definedStringRule('party_code', 'must be a party code: NCB- and an ISO 3166-1 alpha-2 country code, or an agency code', isPartyCode, 'PartyCode', {
    maxLength: PARTY_CODE_MAX_LENGTH,
    pattern: PARTY_CODE_PATTERN,
  }),
);

export const IsCaseId = stringRuleDecorator(
  definedStringRule('case_id', 'must be a case id: <ISO2 or AGENCY>-<YYYY>-<1 to 12 digits>', isCaseId, 'CaseId', {
    maxLength: CASE_ID_MAX_LENGTH,
    pattern: CASE_ID_PATTERN,
  }),
);

export const IsOperationId = stringRuleDecorator(
  definedStringRule('operation_id', 'must be an operation id: OP- and upper-case letters, digits, dashes', isOperationId, 'OperationId', {
    maxLength: OPERATION_ID_MAX_LENGTH,
    pattern: OPERATION_ID_PATTERN,
  }),
);

export const IsTaskForceId = stringRuleDecorator(
  definedStringRule('task_force_id', 'must be a task force id: OTF- and upper-case letters, digits, dashes', isTaskForceId, 'TaskForceId', {
    maxLength: TASK_FORCE_ID_MAX_LENGTH,
    pattern: TASK_FORCE_ID_PATTERN,
  }),
);

export const IsUuid = stringRuleDecorator(definedStringRule('uuid', 'must be a UUID', isUuid, 'Uuid', { format: 'uuid', pattern: UUID_PATTERN }));

export const IsDateTime = stringRuleDecorator(
  definedStringRule('date_time', 'must be an RFC 3339 date-time with an offset (Z or ±hh:mm) naming a real day and time', isDateTime, 'DateTime', {
    format: 'date-time',
    pattern: DATE_TIME_PATTERN,
  }),
);

export const IsCalendarDate = stringRuleDecorator(
  definedStringRule('date', 'must be a calendar date YYYY-MM-DD naming a real day', isCalendarDate, 'CalendarDate', {
    format: 'date',
    pattern: CALENDAR_DATE_PATTERN,
  }),
);

/** A date-time not more than `maxAheadMs` after the moment the message was received. */
export function NotAfterReceipt(maxAheadMs: number): PropertyDecorator {
  const minutes = maxAheadMs / 60_000;
  return applyRule({
    name: 'sent_at_in_future',
    kind: 'value',
    message: `must not be more than ${minutes} minutes after the time of receipt`,
    test: (value, holder) => {
      const instant = parseDateTime(value);
      const receivedAt = receiptTimeOf(holder);
      return instant === undefined || receivedAt === undefined || instant <= receivedAt + maxAheadMs;
    },
    schema: { description: `not more than ${minutes} minutes after the time of receipt` },
  });
}

/** Exactly `count` decimal digits (IMO and MMSI numbers). */
export function IsDigits(count: number): PropertyDecorator {
  const pattern = `^[0-9]{${count}}$`;
  const regex = new RegExp(pattern);
  return composeDecorators(
    applyRule(stringType),
    applyRule({
      name: 'digits',
      kind: 'value',
      message: `must be exactly ${count} digits`,
      test: (value) => typeof value === 'string' && regex.test(value),
      schema: { pattern },
    }),
  );
}

/** Must differ from `header.caseId` of the message (a case is not linked or merged into itself). */
export function DiffersFromMessageCaseId(): PropertyDecorator {
  return applyRule({
    name: 'same_case',
    kind: 'value',
    message: 'must differ from header.caseId',
    test: (value, holder) => value !== messageHeaderOf(holder)?.caseId,
    schema: { description: 'differs from header.caseId' },
  });
}

// ---- numbers --------------------------------------------------------------------------------------------------

function minimum(limit: number): Rule {
  return {
    name: 'min',
    kind: 'value',
    message: `must be at least ${limit}`,
    test: (value) => typeof value !== 'number' || value >= limit,
    schema: { minimum: limit },
  };
}

function maximum(limit: number): Rule {
  return {
    name: 'max',
    kind: 'value',
    message: `must be at most ${limit}`,
    test: (value) => typeof value !== 'number' || value <= limit,
    schema: { maximum: limit },
  };
}

const integer: Rule = {
  name: 'integer',
  kind: 'value',
  message: 'must be a whole number',
  test: (value) => typeof value !== 'number' || Number.isInteger(value),
  schema: { type: 'integer' },
};

/** A number within [min, max]; either bound may be left out. */
export function IsFiniteNumber(bounds: { readonly min?: number; readonly max?: number } = {}): PropertyDecorator {
  return composeDecorators(
    applyRule(numberType),
    ...(bounds.min === undefined ? [] : [applyRule(minimum(bounds.min))]),
    ...(bounds.max === undefined ? [] : [applyRule(maximum(bounds.max))]),
  );
}

/** A count or a version: a whole number ≥ 0. */
export function IsWholeNumber(): PropertyDecorator {
  return composeDecorators(applyRule(numberType), applyRule(integer), applyRule(minimum(0)));
}

export function IsLatitude(): PropertyDecorator {
  return IsFiniteNumber({ min: -90, max: 90 });
}

export function IsLongitude(): PropertyDecorator {
  return IsFiniteNumber({ min: -180, max: 180 });
}

// ---- lists ----------------------------------------------------------------------------------------------------

function minItems(limit: number): Rule {
  return {
    name: 'min_items',
    kind: 'value',
    message: limit === 1 ? 'must not be empty' : `must have at least ${limit} items`,
    test: (value) => !Array.isArray(value) || value.length >= limit,
    schema: { minItems: limit },
  };
}

/** Indices of the items whose key repeats the key of an earlier item; items without a key are skipped. */
function repeatedIndices(items: readonly unknown[], keyOf: (item: unknown) => unknown): number[] {
  const seen = new Set<unknown>();
  const repeated: number[] = [];
  items.forEach((item, index) => {
    const key = keyOf(item);
    if (key === undefined) return;
    if (seen.has(key)) repeated.push(index);
    else seen.add(key);
  });
  return repeated;
}

const primitiveKey = (item: unknown) => (typeof item === 'object' && item !== null ? undefined : item);
const refKey = (item: unknown) => (isJsonObject(item) && typeof item.ref === 'string' ? item.ref : undefined);

const uniqueItems: Rule = {
  name: 'unique',
  kind: 'value',
  message: 'repeats an earlier item of the list',
  test: (value) => !Array.isArray(value) || repeatedIndices(value, primitiveKey).length === 0,
  schema: { uniqueItems: true },
  locate: (value) => (Array.isArray(value) ? repeatedIndices(value, primitiveKey).map((index) => `[${index}]`) : []),
};

const uniqueRefs: Rule = {
  name: 'unique_ref',
  kind: 'value',
  message: 'repeats the ref of an earlier item of the list',
  test: (value) => !Array.isArray(value) || repeatedIndices(value, refKey).length === 0,
  schema: { description: 'the ref of each item is unique within the list' },
  locate: (value) => (Array.isArray(value) ? repeatedIndices(value, refKey).map((index) => `[${index}].ref`) : []),
};

export interface ListOptions {
  readonly minItems?: number;
  /** No item may repeat an earlier one (lists of codes). */
  readonly unique?: boolean;
}

/** A list; its items are checked by rules applied with `{ each: true }`. */
export function IsList(options: ListOptions = {}): PropertyDecorator {
  return composeDecorators(
    applyRule(arrayType),
    ...(options.minItems === undefined ? [] : [applyRule(minItems(options.minItems))]),
    ...(options.unique ? [applyRule(uniqueItems)] : []),
  );
}

// ---- nested objects -------------------------------------------------------------------------------------------

export function Nested(dto: () => DtoClass): PropertyDecorator {
  const context: { nested: NestedDto } = { nested: { dto } };
  return composeDecorators(applyRule(objectType), ValidateNested({ context }));
}

/** The message body, validated against the DTO of `header.type`; not validated at all while that type is unknown. */
export function NestedByMessageType(dtoByMessageType: () => Readonly<Record<MessageType, DtoClass>>): PropertyDecorator {
  const context: { nested: NestedDto } = { nested: { dtoByMessageType } };
  return composeDecorators(
    ValidateIf((message) => isMessageType(messageHeaderOf(message)?.type)),
    applyRule(objectType),
    ValidateNested({ context }),
  );
}

export interface NestedListOptions {
  readonly minItems?: number;
  /** Items carry a `ref` unique within the list. */
  readonly uniqueRefs?: boolean;
}

export function NestedList(dto: () => DtoClass, options: NestedListOptions = {}): PropertyDecorator {
  const context: { nested: NestedDto } = { nested: { dto } };
  return composeDecorators(
    IsList({ minItems: options.minItems }),
    applyRule(objectType, { each: true }),
    ...(options.uniqueRefs ? [applyRule(uniqueRefs)] : []),
    ValidateNested({ each: true, context }),
  );
}

/** Applied to a message's body: the case report of a message of `caseReportTypes` contains at least one field. */
export function NonEmptyCaseReport(caseReportTypes: () => readonly MessageType[]): PropertyDecorator {
  return applyRule({
    name: 'empty_report',
    kind: 'value',
    message: 'a case report must contain at least one field',
    test: (body, message) => !isOneOf(caseReportTypes(), messageHeaderOf(message)?.type) || !isJsonObject(body) || Object.keys(body).length > 0,
    holderSchema: (property) => ({
      if: messageTypeIf(caseReportTypes()),
      then: { properties: { [property]: { type: 'object', minProperties: 1 } } },
    }),
  });
}
