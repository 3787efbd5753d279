import fc from 'fast-check';
import { exampleMessage, FIXTURE_NOW, fixtureMessageId, parsePath, realisticCaseOpened, withoutField, withValue } from '../testing';
import { BODY_DTO_BY_MESSAGE_TYPE, CmfMessageDto } from './dto/message.dto';
import { validateCmfMessage } from './validate-cmf-message';
import { dtoModelOf, valueRulesOf } from './validation/dto-model';
import { DtoClass } from './validation/fields';
import { isJsonObject } from './validation/json';
import { fieldPath, itemPath } from './validation/violation';
import { MESSAGE_TYPES, MessageType } from './vocabularies';

/** Properties of the validator over mutations of valid messages and over arbitrary JSON. */

const validMessages: unknown[] = [
  ...MESSAGE_TYPES.map((type) => exampleMessage(type)),
  realisticCaseOpened('EUROPOL-2026-17', fixtureMessageId(17), 'EUROPOL', FIXTURE_NOW),
];

type Node = { readonly path: string; readonly value: unknown; readonly dto?: DtoClass };

const join = (path: string, key: string | number) => (typeof key === 'number' ? itemPath(path, key) : fieldPath(path, key));

/** Every value of a message with its path, and for objects the DTO class describing them. */
function nodesOf(message: unknown): Node[] {
  const nodes: Node[] = [];
  const visit = (path: string, value: unknown, dto: DtoClass | undefined): void => {
    nodes.push({ path, value, dto });
    if (Array.isArray(value)) value.forEach((item, index) => visit(join(path, index), item, dto));
    else if (isJsonObject(value)) {
      for (const [key, child] of Object.entries(value)) visit(join(path, key), child, dto && nestedDto(dto, key, message));
    }
  };
  visit('', message, CmfMessageDto);
  return nodes;
}

function nestedDto(dto: DtoClass, key: string, message: unknown): DtoClass | undefined {
  const nested = dtoModelOf(dto).nested.get(key);
  if (nested === undefined) return undefined;
  if ('dto' in nested) return nested.dto();
  return BODY_DTO_BY_MESSAGE_TYPE[(message as { header: { type: MessageType } }).header.type];
}

/** Every field name any CMF/1 object has: a key outside this set is unknown wherever it is put. */
const declaredFields = new Set<string>();
for (const node of validMessages.flatMap(nodesOf)) {
  if (node.dto) for (const property of dtoModelOf(node.dto).properties) declaredFields.add(property);
}

function jsonTypeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function violationsOf(input: unknown) {
  const result = validateCmfMessage(input, { now: FIXTURE_NOW });
  return result.ok ? [] : result.violations;
}

const aValidMessage = fc.constantFrom(...validMessages);

describe('validateCmfMessage on mutated messages', () => {
  it('refuses a message without one of its required fields, as required at that path', () => {
    const withRequiredField = aValidMessage.chain((message) => {
      const requiredPaths = nodesOf(message).flatMap(({ path, value, dto }) =>
        dto && isJsonObject(value)
          ? valueRulesOf(dtoModelOf(dto))
              .filter((field) => field.presence === 'required' && field.property in value)
              .map((field) => join(path, field.property))
          : [],
      );
      return fc.record({ message: fc.constant(message), path: fc.constantFrom(...requiredPaths) });
    });
    fc.assert(
      fc.property(withRequiredField, ({ message, path }) => {
        expect(violationsOf(withoutField(message, path))).toContainEqual(expect.objectContaining({ path, rule: 'required' }));
      }),
    );
  });

  it('refuses an unknown key at any depth, __proto__ and constructor included, as unknown_field', () => {
    const unknownKey = fc
      .oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'), fc.string())
      .filter((key) => !declaredFields.has(key));
    const withObject = aValidMessage.chain((message) =>
      fc.record({
        message: fc.constant(message),
        holder: fc.constantFrom(
          ...nodesOf(message)
            .filter((node) => isJsonObject(node.value))
            .map((node) => node.path),
        ),
        key: unknownKey,
        value: fc.jsonValue(),
      }),
    );
    fc.assert(
      fc.property(withObject, ({ message, holder, key, value }) => {
        const mutated = structuredClone(message) as Record<string, unknown>;
        const target = parsePath(holder).reduce<unknown>((node, step) => (node as Record<string | number, unknown>)[step], mutated);
        Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
        expect(violationsOf(mutated)).toContainEqual(expect.objectContaining({ path: join(holder, key), rule: 'unknown_field' }));
        expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
      }),
    );
  });

  it('refuses a leaf replaced by a JSON value of another type, at that path', () => {
    const withLeaf = aValidMessage.chain((message) => {
      const leaves = nodesOf(message).filter(({ value }) => typeof value !== 'object' || value === null);
      return fc.constantFrom(...leaves).chain((leaf) =>
        fc.record({
          message: fc.constant(message),
          path: fc.constant(leaf.path),
          replacement: fc.jsonValue().filter((value) => jsonTypeOf(value) !== jsonTypeOf(leaf.value)),
        }),
      );
    });
    fc.assert(
      fc.property(withLeaf, ({ message, path, replacement }) => {
        expect(violationsOf(withValue(message, path, replacement))).toContainEqual(expect.objectContaining({ path }));
      }),
    );
  });
});

describe('validateCmfMessage on arbitrary input', () => {
  it('never throws on any JSON value, and refuses it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(validateCmfMessage(value, { now: FIXTURE_NOW }).ok).toBe(false);
      }),
    );
  });

  it('never throws when any JSON value replaces the header or the body', () => {
    fc.assert(
      fc.property(aValidMessage, fc.constantFrom('header', 'body'), fc.jsonValue(), (message, field, value) => {
        expect(validateCmfMessage(withValue(message, field, value), { now: FIXTURE_NOW }).ok).toBe(false);
      }),
    );
  });

  it('never throws on objects with __proto__ and other unusual own keys', () => {
    const objectWithOddKeys = fc.dictionary(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'header', 'body', 'valueOf'), fc.string()), fc.jsonValue());
    fc.assert(
      fc.property(objectWithOddKeys, (value) => {
        const parsed = JSON.parse(JSON.stringify(value));
        expect(validateCmfMessage(parsed, { now: FIXTURE_NOW }).ok).toBe(false);
        expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
      }),
    );
  });
});
