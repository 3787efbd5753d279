import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { buildCmfJsonSchema, CMF_SCHEMA_VERSION } from '@cmx/contracts';
import { API_KEY_SECURITY_SCHEME } from './api-decorators';
import { CMF_MESSAGE_SCHEMA_NAME } from './openapi-schemas';

export const OPENAPI_DOCUMENT_PATH = '/openapi.json';
export const DOCS_PAGE_PATH = '/docs';

type JsonValue = unknown;
type JsonRecord = Record<string, JsonValue>;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
/** Header parameters OpenAPI ignores (stated by the request body, the response content and the security scheme). */
const IGNORED_HEADER_PARAMETERS = new Set(['accept', 'content-type', 'authorization']);

const DESCRIPTION = [
  'The HTTP API of the case message exchange (docs/architecture.md, DESIGN.md "Outside interfaces").',
  '',
  'Every call but `/health`, `/metrics`, `/openapi.json` and `/docs` is authenticated with `Authorization: Bearer <api key>`. ',
  'Any call may send `Purpose` and `On-Behalf-Of` (recorded in the audit entry only) and `x-request-id` (a short token, echoed ',
  'in the answer and written in the logs; the exchange makes one when it is absent or not a plain token).',
  '',
  'Refusals are `{ error, message, details }` with a stable `error` code; each answer below names the codes it may carry. ',
  `Messages are CMF/${CMF_SCHEMA_VERSION.split('.')[0]} (component \`${CMF_MESSAGE_SCHEMA_NAME}\`, the JSON Schema of docs/cmf-1.schema.json).`,
].join('\n');

/**
 * The OpenAPI 3.1 document of the routes `app` serves, from its controllers' decorators: every operation with the
 * caller's headers and its refusals, the CMF/1 JSON Schema as components, `/openapi.json` and `/docs` themselves.
 * The app need not be listening (nor initialised).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Case message exchange')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'The API key of the calling party: `Authorization: Bearer <api key>`' },
      API_KEY_SECURITY_SCHEME,
    )
    .build();
  const scanned = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey: string, methodKey: string) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  }) as unknown as JsonRecord;
  return finishDocument(scanned) as unknown as OpenAPIObject;
}

/** The document as committed in docs/openapi.json: keys sorted, two-space indent, trailing newline. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(sortedKeys(document), null, 2)}\n`;
}

function finishDocument(scanned: JsonRecord): JsonRecord {
  const { servers, tags, ...document } = scanned;
  const info = { ...(document.info as JsonRecord) };
  if (isRecord(info.contact) && Object.keys(info.contact).length === 0) delete info.contact;
  const paths = literalColons(document.paths as JsonRecord);
  Object.assign(paths, contractPaths());
  const components = (document.components ?? {}) as JsonRecord;
  const schemas: JsonRecord = { ...((components.schemas as JsonRecord) ?? {}), ...cmfComponents() };
  for (const pathItem of Object.values(paths) as JsonRecord[]) {
    for (const method of HTTP_METHODS) if (isRecord(pathItem[method])) finishOperation(pathItem[method]);
  }
  const finished: JsonRecord = {
    ...document,
    info,
    ...(Array.isArray(servers) && servers.length > 0 ? { servers } : {}),
    ...(Array.isArray(tags) && tags.length > 0 ? { tags } : {}),
    paths: hoistNamedSchemas(paths, schemas) as JsonRecord,
    components: {
      ...components,
      schemas,
      parameters: { RequestId: REQUEST_ID_PARAMETER },
      headers: { RequestId: REQUEST_ID_HEADER },
    },
  };
  const withoutNullable = nullableAsTypeArrays(finished) as JsonRecord;
  pruneUnusedSchemas(withoutNullable);
  return withoutNullable;
}

/** `messages::batch` is Fastify's escape of a literal colon (`/v1/messages:batch`); the scanner reads it as a parameter. */
function literalColons(paths: JsonRecord): JsonRecord {
  return Object.fromEntries(Object.entries(paths).map(([path, item]) => [path.replace(/:\{(\w+)\}/g, ':$1').replace(/::/g, ':'), item]));
}

const REQUEST_ID_PARAMETER = {
  name: 'x-request-id',
  in: 'header',
  required: false,
  description:
    'The caller’s id for this request (up to 64 of `A-Za-z0-9._:-`): echoed in `x-request-id` and written in the exchange’s log line and audit entry.',
  schema: { type: 'string', maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' },
};

const REQUEST_ID_HEADER = {
  description: 'The id of this request in the exchange’s logs and audit entries: the caller’s `x-request-id` when it sent a plain one, otherwise a UUID.',
  schema: { type: 'string' },
};

/** Every operation: the request id (createHttpApp), in and out, and no header parameter OpenAPI says to ignore. */
function finishOperation(operation: JsonRecord): void {
  const seen = new Set<string>();
  const parameters = ((operation.parameters as JsonRecord[] | undefined) ?? []).filter((parameter) => {
    if (parameter.in !== 'header') return true;
    const name = String(parameter.name).toLowerCase();
    if (IGNORED_HEADER_PARAMETERS.has(name) || seen.has(name)) return false;
    seen.add(name);
    return true;
  });
  operation.parameters = [...parameters, { $ref: '#/components/parameters/RequestId' }];
  for (const response of Object.values((operation.responses as JsonRecord) ?? {}) as JsonRecord[]) {
    response.headers = { ...((response.headers as JsonRecord) ?? {}), 'x-request-id': { $ref: '#/components/headers/RequestId' } };
  }
}

/** GET /openapi.json and GET /docs (serve-openapi.ts): Fastify routes of their own, which the scanner does not see. */
function contractPaths(): JsonRecord {
  const operation = (operationId: string, summary: string, description: string, content: JsonRecord) => ({
    get: {
      operationId,
      summary,
      description,
      tags: ['contract'],
      security: [],
      parameters: [],
      responses: { '200': { description: summary, content } },
    },
  });
  return {
    [OPENAPI_DOCUMENT_PATH]: operation(
      'OpenApi_document',
      'This document',
      'The OpenAPI 3.1 document of the routes this process serves (the all-in-one exchange: all of them; committed as docs/openapi.json). No API key.',
      { 'application/json': { schema: { type: 'object', description: 'An OpenAPI 3.1 document' } } },
    ),
    [DOCS_PAGE_PATH]: operation(
      'OpenApi_docsPage',
      'The API documentation page',
      'Swagger UI over /openapi.json; its scripts and styles are served by the exchange itself under /docs/assets/. No API key.',
      { 'text/html': { schema: { type: 'string' } } },
    ),
  };
}

/**
 * The CMF/1 JSON Schema (draft 2020-12, which OpenAPI 3.1 schemas are) as components: the message as CmfMessage, each
 * of its $defs under its own name.
 */
function cmfComponents(): JsonRecord {
  const { $defs, $schema: _dialect, $id: _id, ...message } = buildCmfJsonSchema() as JsonRecord;
  const components: JsonRecord = { [CMF_MESSAGE_SCHEMA_NAME]: message, ...($defs as JsonRecord) };
  return rewriteRefs(components, '#/$defs/', '#/components/schemas/') as JsonRecord;
}

function rewriteRefs(value: JsonValue, from: string, to: string): JsonValue {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, from, to));
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      key === '$ref' && typeof item === 'string' && item.startsWith(from) ? to + item.slice(from.length) : rewriteRefs(item, from, to),
    ]),
  );
}

/** Moves every inline schema with a title (namedSchema) to components/schemas, leaving a reference; two of one name must be the same. */
function hoistNamedSchemas(value: JsonValue, schemas: JsonRecord): JsonValue {
  if (Array.isArray(value)) return value.map((item) => hoistNamedSchemas(item, schemas));
  if (!isRecord(value)) return value;
  const hoisted = Object.fromEntries(Object.entries(value).map(([key, item]) => [key, hoistNamedSchemas(item, schemas)]));
  if (typeof hoisted.title !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(hoisted.title) || !('type' in hoisted || 'allOf' in hoisted || 'oneOf' in hoisted))
    return hoisted;
  const name = hoisted.title;
  if (name in schemas && JSON.stringify(sortedKeys(schemas[name])) !== JSON.stringify(sortedKeys(hoisted))) {
    throw new Error(`two different schemas are named ${name} in the OpenAPI document`);
  }
  schemas[name] = hoisted;
  return { $ref: `#/components/schemas/${name}` };
}

/** OpenAPI 3.1 has no `nullable`: `{ type: T, nullable: true }` becomes `{ type: [T, "null"] }` (and a reference, `anyOf` with null). */
function nullableAsTypeArrays(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(nullableAsTypeArrays);
  if (!isRecord(value)) return value;
  const { nullable, ...rest } = value;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, item]) => [key, nullableAsTypeArrays(item)]));
  if (nullable !== true) return converted;
  if (typeof converted.type === 'string') {
    return { ...converted, type: [converted.type, 'null'], ...(Array.isArray(converted.enum) ? { enum: [...converted.enum, null] } : {}) };
  }
  return { anyOf: [converted, { type: 'null' }] };
}

/** Drops the component schemas nothing refers to (a process that takes no message needs none of CMF/1's definitions). */
function pruneUnusedSchemas(document: JsonRecord): void {
  const schemas = (document.components as JsonRecord).schemas as JsonRecord;
  const used = new Set<string>();
  const visit = (value: JsonValue): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isRecord(value)) return;
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string' && item.startsWith('#/components/schemas/')) {
        const name = item.slice('#/components/schemas/'.length);
        if (!used.has(name)) {
          used.add(name);
          visit(schemas[name]);
        }
      } else visit(item);
    }
  };
  const { components, ...rest } = document;
  visit(rest);
  visit({ ...(components as JsonRecord), schemas: undefined });
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
}

function sortedKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortedKeys(value[key])]),
  );
}

function isRecord(value: JsonValue): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
