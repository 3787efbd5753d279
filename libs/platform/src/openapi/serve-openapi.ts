import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { RouteNotFound } from '@cmx/errors';
import { toErrorResponse } from '../http/error-body';
import { buildOpenApiDocument, DOCS_PAGE_PATH, OPENAPI_DOCUMENT_PATH, serializeOpenApiDocument } from './openapi-document';

const DOCS_ASSETS_PATH = `${DOCS_PAGE_PATH}/assets`;

/**
 * The docs page's own origin only: Swagger UI's script and styles are the exchange's files, it reads /openapi.json and
 * "Try it out" calls the same origin; its stylesheet's icons are data: URIs.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const DOCS_HEADERS = {
  'content-security-policy': DOCS_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Case message exchange: HTTP API</title>
    <link rel="stylesheet" href="${DOCS_ASSETS_PATH}/swagger-ui.css">
    <link rel="icon" type="image/png" href="${DOCS_ASSETS_PATH}/favicon-32x32.png">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_ASSETS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${DOCS_ASSETS_PATH}/docs.js"></script>
  </body>
</html>
`;

/** Swagger UI on this process's document; no validator badge (it would call validator.swagger.io). */
const DOCS_SCRIPT = `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(OPENAPI_DOCUMENT_PATH)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
});
`;

interface DocsAsset {
  readonly contentType: string;
  readonly body: () => Buffer;
}

/** The files of swagger-ui-dist the page loads. */
function swaggerUiFile(name: string): () => Buffer {
  let body: Buffer | undefined;
  return () => {
    if (!body) {
      const swaggerUiDist = dirname(require.resolve('swagger-ui-dist/package.json'));
      body = readFileSync(join(swaggerUiDist, name));
    }
    return body;
  };
}

const DOCS_ASSETS: ReadonlyMap<string, DocsAsset> = new Map([
  ['swagger-ui.css', { contentType: 'text/css; charset=utf-8', body: swaggerUiFile('swagger-ui.css') }],
  ['swagger-ui-bundle.js', { contentType: 'text/javascript; charset=utf-8', body: swaggerUiFile('swagger-ui-bundle.js') }],
  ['favicon-32x32.png', { contentType: 'image/png', body: swaggerUiFile('favicon-32x32.png') }],
  ['docs.js', { contentType: 'text/javascript; charset=utf-8', body: () => Buffer.from(DOCS_SCRIPT) }],
]);

/**
 * GET /openapi.json (the OpenAPI 3.1 document of the routes this app serves, built on its first request) and
 * GET /docs (Swagger UI over it, with its files under /docs/assets/). Fastify routes beside Nest's: no API key.
 */
export function serveOpenApi(app: NestFastifyApplication): void {
  let document: string | undefined;
  // A plugin: its routes are added when the app starts, as Nest's are, so that every onRoute hook sees them.
  void app
    .getHttpAdapter()
    .getInstance()
    .register(async (fastify) => {
      fastify.get(OPENAPI_DOCUMENT_PATH, (_request, reply) => {
        document ??= serializeOpenApiDocument(buildOpenApiDocument(app));
        return reply.header('cache-control', 'no-cache').type('application/json; charset=utf-8').send(document);
      });
      fastify.get(DOCS_PAGE_PATH, (_request, reply) =>
        reply.headers(DOCS_HEADERS).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(DOCS_PAGE),
      );
      fastify.get(`${DOCS_ASSETS_PATH}/:file`, (request, reply) => {
        const asset = DOCS_ASSETS.get((request.params as { file: string }).file);
        if (!asset) return notFound(reply, request.method, request.url);
        return reply.headers(DOCS_HEADERS).header('cache-control', 'public, max-age=3600').type(asset.contentType).send(asset.body());
      });
    });
}

function notFound(reply: FastifyReply, method: string, url: string): FastifyReply {
  const { status, body } = toErrorResponse(new RouteNotFound(method, url));
  return reply.status(status).headers(DOCS_HEADERS).send(body);
}
