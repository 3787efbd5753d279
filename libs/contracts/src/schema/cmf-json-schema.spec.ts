import { readFileSync } from 'node:fs';
import { COUNTRY_CODES, isPartyCode } from '../cmf/codes';
import { MESSAGE_TYPES, PERSON_ROLES } from '../cmf/vocabularies';
import { buildCmfJsonSchema, JsonSchema, serializeJsonSchema } from './cmf-json-schema';
import { CMF_JSON_SCHEMA_FILE } from './export-json-schema';

type Definitions = Record<
  string,
  { type?: string; additionalProperties?: unknown; properties?: Record<string, JsonSchema>; allOf?: unknown[]; enum?: unknown[]; pattern?: string }
>;

function valuesOf(schema: unknown, keyword: string): unknown[] {
  if (Array.isArray(schema)) return schema.flatMap((item) => valuesOf(item, keyword));
  if (typeof schema !== 'object' || schema === null) return [];
  return Object.entries(schema).flatMap(([key, value]) => [...(key === keyword ? [value] : []), ...valuesOf(value, keyword)]);
}

describe('the JSON Schema of CMF/1', () => {
  const schema = buildCmfJsonSchema();
  const definitions = schema.$defs as Definitions;

  it('is the one committed in docs/cmf-1.schema.json', () => {
    const committed = readFileSync(CMF_JSON_SCHEMA_FILE, 'utf8');
    if (committed !== serializeJsonSchema(schema)) {
      throw new Error('docs/cmf-1.schema.json differs from the DTOs: run `npm run schema:export` and commit the result');
    }
  });

  it('is the same on every build', () => {
    expect(serializeJsonSchema(buildCmfJsonSchema())).toBe(serializeJsonSchema(schema));
  });

  it('refuses additional properties in every object', () => {
    const objects = [schema, ...Object.values(definitions)].filter((definition) => definition.type === 'object');
    expect(objects.length).toBeGreaterThan(20);
    expect(objects.filter((definition) => definition.additionalProperties !== false)).toEqual([]);
  });

  it('points only at definitions it has', () => {
    const missing = valuesOf(schema, '$ref').filter((ref) => !(String(ref).replace('#/$defs/', '') in definitions));
    expect(missing).toEqual([]);
  });

  it('chooses the body by header.type', () => {
    const bodies = (schema.allOf as JsonSchema[]).flatMap((entry) => {
      const type = valuesOf(entry.if, 'enum')[0] as unknown[];
      const body = valuesOf(entry.then, 'body')[0] as JsonSchema;
      return body.$ref ? [[type[0], body.$ref]] : [];
    });
    expect(Object.fromEntries(bodies)).toEqual({
      'case.opened': '#/$defs/CaseReport',
      'case.updated': '#/$defs/CaseReport',
      'case.linked': '#/$defs/CaseLinkedBody',
      'case.assigned': '#/$defs/CaseAssignedBody',
      'interception.reported': '#/$defs/InterceptionReportedBody',
      'information.requested': '#/$defs/InformationRequestedBody',
      'information.provided': '#/$defs/CaseReport',
      'case.closed': '#/$defs/CaseClosedBody',
    });
    expect(bodies).toHaveLength(MESSAGE_TYPES.length);
  });

  it('states the vocabularies and codes', () => {
    expect(definitions.Person.properties?.role.enum).toEqual(PERSON_ROLES);
    expect(definitions.CountryCode.enum).toEqual(COUNTRY_CODES);
    const partyCode = new RegExp(definitions.PartyCode.pattern ?? '');
    for (const code of ['NCB-IT', 'EUROPOL', 'INTERPOL-GS', 'NCB-XK', 'IT', 'ncb-it']) {
      expect([code, partyCode.test(code)]).toEqual([code, isPartyCode(code)]);
    }
  });

  it('states the cross-field rules as if/then', () => {
    expect(definitions.Handling.allOf).toEqual([
      {
        if: { properties: { code: { enum: ['H3'] } }, required: ['code'] },
        then: { required: ['conditions'] },
      },
    ]);
    expect(definitions.CaseClosedBody.allOf).toContainEqual({
      if: { properties: { reason: { enum: ['dismantled', 'convicted', 'no_further_action'] } }, required: ['reason'] },
      then: { not: { required: ['mergedInto'] } },
    });
    expect(definitions.CmfHeader.allOf).toEqual([
      {
        if: { properties: { type: { enum: ['information.provided'] } }, required: ['type'] },
        then: { properties: { inReplyTo: { not: { type: 'null' } } }, required: ['inReplyTo'] },
      },
    ]);
  });
});
