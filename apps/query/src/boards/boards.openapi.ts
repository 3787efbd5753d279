import { applyDecorators } from '@nestjs/common';
import { ApiParam, ApiQuery } from '@nestjs/swagger';
import { CRIME_AREAS, DOCUMENT_STATUSES, DOCUMENT_TYPES, LOCATION_KINDS, PERSON_ROLES, ROUTE_NAMES } from '@cmx/contracts';
import { arrayOf, CASE_ID, cmfSchema, COUNTS, DATE_TIME, limitQuery, namedSchema, nullable, PARTY_CODE, type OpenApiSchema } from '@cmx/platform';
import { BOARD_LISTS, RECENT_ITEMS } from '@cmx/read-models';
import { MAX_ITEM_PAGE } from './board-list-query';
import { MAX_CASE_PAGE } from './board-query';

const CURSOR = nullable({ type: 'string', description: 'Pass as `after` for the next page; null at the end' });
const WITHHELD = { erased: { type: 'boolean', enum: [true] }, restricted: { type: 'boolean', enum: [true] } };

const item = (name: string, properties: Record<string, OpenApiSchema>, required: string[] = []) =>
  namedSchema(name, { type: 'object', properties: { caseId: CASE_ID, ...properties }, required: ['caseId', ...required] });

export const DOCUMENT_ITEM_SCHEMA = item('DocumentItem', {
  personRef: { type: 'string' },
  type: { type: 'string', enum: [...DOCUMENT_TYPES] },
  number: { type: 'string' },
  issuingCountry: cmfSchema('CountryCode'),
  status: { type: 'string', enum: [...DOCUMENT_STATUSES] },
  ...WITHHELD,
});
export const VESSEL_ITEM_SCHEMA = item('VesselItem', { name: { type: 'string' }, imo: { type: 'string' }, flag: cmfSchema('CountryCode') });
export const VEHICLE_ITEM_SCHEMA = item('VehicleItem', { plate: { type: 'string' }, registrationCountry: cmfSchema('CountryCode') });
export const LOCATION_ITEM_SCHEMA = item('LocationItem', {
  kind: { type: 'string', enum: [...LOCATION_KINDS] },
  name: { type: 'string' },
  country: cmfSchema('CountryCode'),
  lat: { type: 'number', minimum: -90, maximum: 90 },
  lon: { type: 'number', minimum: -180, maximum: 180 },
});
export const INTERCEPTION_ITEM_SCHEMA = item(
  'InterceptionItem',
  { occurredAt: DATE_TIME, migrants: { type: 'integer', minimum: 0 }, deaths: { type: 'integer', minimum: 0 }, missing: { type: 'integer', minimum: 0 } },
  ['occurredAt', 'migrants', 'deaths', 'missing'],
);
export const PERSON_ITEM_SCHEMA = item(
  'PersonItem',
  { ref: { type: 'string' }, role: { type: 'string', enum: [...PERSON_ROLES] }, nationalities: arrayOf(cmfSchema('CountryCode')), ...WITHHELD },
  ['ref'],
);

const recent = (itemSchema: OpenApiSchema) => ({
  type: 'object',
  description: `How many items the list has, and the newest (at most ${RECENT_ITEMS}, newest first); the whole list is the board's sub-resource`,
  properties: { total: { type: 'integer', minimum: 0 }, recent: { type: 'array', maxItems: RECENT_ITEMS, items: itemSchema } },
  required: ['total', 'recent'],
});

export const BOARD_SCHEMA = namedSchema('Board', {
  type: 'object',
  description:
    'An operation or task-force board, computed only from the messages the caller is entitled to; under 64 KiB at any size. `byCrimeArea` and ' +
    '`byRoute` count cases, `byMessageType` and `byPriority` messages, `persons.byRole` distinct persons by their current role; flagged documents ' +
    'are those whose current status is stolen, lost, forged, counterfeit or impostor_use.',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['operation', 'taskForce'] },
    members: arrayOf(PARTY_CODE),
    cases: {
      type: 'object',
      properties: { total: { type: 'integer', minimum: 0 }, open: { type: 'integer', minimum: 0 }, closed: { type: 'integer', minimum: 0 } },
      required: ['total', 'open', 'closed'],
    },
    counts: {
      type: 'object',
      properties: { byCrimeArea: COUNTS, byRoute: COUNTS, byMessageType: COUNTS, byPriority: COUNTS },
      required: ['byCrimeArea', 'byRoute', 'byMessageType', 'byPriority'],
    },
    persons: { type: 'object', properties: { byRole: COUNTS }, required: ['byRole'] },
    flaggedDocuments: recent(DOCUMENT_ITEM_SCHEMA),
    vessels: recent(VESSEL_ITEM_SCHEMA),
    vehicles: recent(VEHICLE_ITEM_SCHEMA),
    locations: recent(LOCATION_ITEM_SCHEMA),
    interceptions: {
      type: 'object',
      properties: {
        total: { type: 'integer', minimum: 0 },
        migrants: { type: 'integer', minimum: 0 },
        deaths: { type: 'integer', minimum: 0 },
        missing: { type: 'integer', minimum: 0 },
      },
      required: ['total', 'migrants', 'deaths', 'missing'],
    },
    lastActivityAt: nullable({ ...DATE_TIME, description: 'The latest activity of the board’s cases; null while it has none' }),
  },
  required: ['id', 'kind', 'members', 'cases', 'counts', 'persons', 'flaggedDocuments', 'vessels', 'vehicles', 'locations', 'interceptions', 'lastActivityAt'],
});

export const CASE_LIST_SCHEMA = namedSchema('BoardCaseList', {
  type: 'object',
  description: 'The cases of the board, newest activity first.',
  properties: {
    cases: arrayOf(
      namedSchema('CaseListing', {
        type: 'object',
        properties: {
          caseId: CASE_ID,
          status: { type: 'string', enum: ['open', 'closed'] },
          title: nullable({ type: 'string' }),
          owner: nullable({ type: 'string' }),
          crimeAreas: arrayOf({ type: 'string', enum: [...CRIME_AREAS] }),
          route: nullable({ type: 'string', enum: [...ROUTE_NAMES] }),
          version: { type: 'integer', minimum: 1 },
          lastActivityAt: DATE_TIME,
        },
        required: ['caseId', 'status', 'title', 'owner', 'crimeAreas', 'route', 'version', 'lastActivityAt'],
      }),
    ),
    nextCursor: CURSOR,
  },
  required: ['cases', 'nextCursor'],
});

export const BOARD_ITEM_PAGE_SCHEMA = namedSchema('BoardItemPage', {
  type: 'object',
  description:
    'A page of one of the board’s lists, newest first: documents, vessels, vehicles, locations, interceptions or persons (ref, role and nationalities only).',
  properties: {
    items: arrayOf({
      anyOf: [DOCUMENT_ITEM_SCHEMA, VESSEL_ITEM_SCHEMA, VEHICLE_ITEM_SCHEMA, LOCATION_ITEM_SCHEMA, INTERCEPTION_ITEM_SCHEMA, PERSON_ITEM_SCHEMA],
    }),
    nextCursor: CURSOR,
  },
  required: ['items', 'nextCursor'],
});

export const LOCATIONS_GEO_JSON_SCHEMA = namedSchema('LocationsFeatureCollection', {
  type: 'object',
  description:
    'A page of the located locations (lat and lon both known) as a GeoJSON FeatureCollection (RFC 7946) of Points; `nextCursor` is a foreign member.',
  properties: {
    type: { type: 'string', enum: ['FeatureCollection'] },
    features: arrayOf({
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['Feature'] },
        geometry: {
          type: 'object',
          properties: {
            type: { type: 'string', enum: ['Point'] },
            coordinates: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2, description: '[lon, lat]' },
          },
          required: ['type', 'coordinates'],
        },
        properties: {
          type: 'object',
          properties: { caseId: CASE_ID, kind: { type: 'string', enum: [...LOCATION_KINDS] }, name: { type: 'string' }, country: cmfSchema('CountryCode') },
          required: ['caseId'],
        },
      },
      required: ['type', 'geometry', 'properties'],
    }),
    nextCursor: CURSOR,
  },
  required: ['type', 'features', 'nextCursor'],
});

const AFTER_QUERY = { name: 'after', required: false, description: 'The nextCursor of the previous page', schema: { type: 'string' } };

/** The filters of GET …/cases (board-query.ts). */
export const ApiCaseListQueries = () =>
  applyDecorators(
    ApiQuery({ name: 'status', required: false, schema: { type: 'string', enum: ['open', 'closed'] } }),
    ApiQuery({ name: 'crimeArea', required: false, schema: { type: 'string', enum: [...CRIME_AREAS] } }),
    ApiQuery({ name: 'route', required: false, schema: { type: 'string', enum: [...ROUTE_NAMES] } }),
    ApiQuery({ name: 'updatedAfter', required: false, description: 'Cases with activity after this time (RFC 3339 with offset)', schema: DATE_TIME }),
    ApiQuery(AFTER_QUERY),
    ApiQuery(limitQuery(MAX_CASE_PAGE, 100)),
  );

/** The list and the filters of GET …/{list} (board-list-query.ts): each filter applies to its list only, and any other is refused. */
export const ApiBoardListQueries = () =>
  applyDecorators(
    ApiParam({ name: 'list', schema: { type: 'string', enum: [...BOARD_LISTS] } }),
    ApiQuery({ name: 'status', required: false, description: 'documents only', schema: { type: 'string', enum: [...DOCUMENT_STATUSES, 'flagged'] } }),
    ApiQuery({ name: 'type', required: false, description: 'documents only', schema: { type: 'string', enum: [...DOCUMENT_TYPES] } }),
    ApiQuery({ name: 'kind', required: false, description: 'locations only', schema: { type: 'string', enum: [...LOCATION_KINDS] } }),
    ApiQuery({ name: 'role', required: false, description: 'persons only', schema: { type: 'string', enum: [...PERSON_ROLES] } }),
    ApiQuery(AFTER_QUERY),
    ApiQuery(limitQuery(MAX_ITEM_PAGE, 100)),
  );
