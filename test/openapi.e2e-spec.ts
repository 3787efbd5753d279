import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { Browser } from 'playwright-core';
import type { DynamicModule } from '@nestjs/common';
import { buildOpenApiDocument, createHttpApp, createJsonLog, DOCS_CONTENT_SECURITY_POLICY, ExchangeConfig, loadConfig, PlatformModule } from '@cmx/platform';
import { DispatcherModule } from '../apps/dispatcher/src/dispatcher.module';
import { GatewayModule } from '../apps/gateway/src/gateway.module';
import { QueryModule } from '../apps/query/src/query.module';
import { ExchangeModule } from '../apps/exchange/src/exchange.module';
import { exchangeOpenApiText, OPENAPI_DOCUMENT_FILE } from '../scripts/openapi/exchange-openapi';
import { testSigningKeyFile } from './support/audit-signing-key';
import { describeWithChromium, launchChromium, newPage, watchPage } from './support/browser';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * Routes the app registers that are not API operations, and why:
 * - the console (apps/query/src/serve-console): an HTML page and its built files, documented in docs/console.md;
 * - the docs page's own scripts and styles (Swagger UI's files), which /docs loads.
 * HEAD (which Fastify adds to every GET) and OPTIONS are left out by method.
 */
const NOT_API_ROUTES = ['GET /console', 'GET /console/', 'GET /console/assets/*', 'GET /docs/assets/:file'];

type Operation = { parameters?: { name?: string; in?: string; $ref?: string }[]; security?: Record<string, string[]>[]; responses: Record<string, unknown> };

interface RunningExchange {
  readonly app: NestFastifyApplication;
  readonly baseUrl: string;
  /** "METHOD url" of every route Fastify registered, as Fastify spells the url. */
  readonly routes: readonly string[];
  close(): Promise<void>;
}

/** The all-in-one exchange as test/support/in-process-exchange.ts starts it, with an onRoute hook added before any route is. */
async function startExchangeRecordingRoutes(): Promise<RunningExchange> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cmx-openapi-e2e-'));
  const config = loadConfig({ LOG_LEVEL: 'error', DATA_DIR: dataDir, PORT: '0' });
  const app = await createHttpApp(ExchangeModule.forRoot(config), createJsonLog('case-exchange', config.logLevel));
  const routes: string[] = [];
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push(`${method} ${route.url}`);
    });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    routes,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A Fastify url (`:name` a parameter, `::` a literal colon) as an OpenAPI path template. */
function openApiPathOf(fastifyUrl: string): string {
  return fastifyUrl
    .split('::')
    .map((part) => part.replace(/:(\w+)/g, '{$1}'))
    .join(':');
}

function operationsOf(document: OpenAPIObject): { method: string; path: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => (item as Record<string, unknown>)[method]).map((method) => ({
      method,
      path,
      operation: (item as Record<string, Operation>)[method],
    })),
  );
}

/** The header parameters of an operation, by lower-case name, references resolved. */
function headerNames(document: OpenAPIObject, operation: Operation): string[] {
  return (operation.parameters ?? [])
    .map((parameter) => (parameter.$ref ? (document.components!.parameters![parameter.$ref.split('/').pop()!] as { name: string; in: string }) : parameter))
    .filter((parameter) => parameter.in === 'header')
    .map((parameter) => String(parameter.name).toLowerCase());
}

/** @seriousme/openapi-schema-validator is ESM only: it runs in a Node process of its own. */
function validateOpenApi(text: string): { valid: boolean; version?: string; errors?: unknown } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(chunk);
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    process.stdout.write(JSON.stringify({ ...result, version: validator.version }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { input: text, cwd: join(__dirname, '..'), encoding: 'utf8' }));
}

/** Every `$ref` of the document names something the document holds. */
function danglingRefs(document: unknown): string[] {
  const dangling: string[] = [];
  const resolves = (ref: string) =>
    ref.startsWith('#/') &&
    ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), document) !== undefined;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string' && !resolves(item)) dangling.push(item);
      visit(item);
    }
  };
  visit(document);
  return dangling;
}

describe('the OpenAPI document (docs/openapi.json, GET /openapi.json, GET /docs)', () => {
  let exchange: RunningExchange;
  let generated: string;
  let document: OpenAPIObject;

  beforeAll(async () => {
    generated = await exchangeOpenApiText();
    document = JSON.parse(generated) as OpenAPIObject;
    exchange = await startExchangeRecordingRoutes();
  }, 60_000);
  afterAll(() => exchange?.close());

  it('is committed as generated from the controllers (run `npm run openapi:export` when this fails)', () => {
    const committed = readFileSync(OPENAPI_DOCUMENT_FILE, 'utf8');
    // One assertion with the remedy in its message: a diff of two 200 KB strings says nothing about what to do.
    if (committed !== generated) throw new Error('docs/openapi.json is stale: run `npm run openapi:export` and commit docs/openapi.json');
    expect(committed).toBe(generated);
  });

  it('is OpenAPI 3.1.0 that passes the validator, every $ref resolving', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(validateOpenApi(generated)).toEqual({ valid: true, version: '3.1' });
    expect(danglingRefs(document)).toEqual([]);
    expect(generated).not.toContain('"nullable"');
  });

  it('documents every route the exchange registers, with its method, and nothing it does not serve', () => {
    const apiRoutes = exchange.routes.filter((route) => !/^(HEAD|OPTIONS) /.test(route) && !NOT_API_ROUTES.includes(route));
    const registered = apiRoutes.map((route) => {
      const [method, url] = route.split(' ');
      return `${method} ${openApiPathOf(url)}`;
    });
    const documented = operationsOf(document).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect([...registered].sort()).toEqual([...documented].sort());
    // the exclusions are routes the exchange does register: none of them hides a route that went away
    for (const route of NOT_API_ROUTES) expect(exchange.routes).toContain(route);
    expect(registered).toEqual(
      expect.arrayContaining(['POST /v1/messages', 'POST /v1/messages:batch', 'GET /v1/feed', 'GET /health', 'GET /openapi.json', 'GET /docs']),
    );
  });

  it('has Purpose and On-Behalf-Of on every call with an API key, Last-Event-ID on the feed, x-request-id on every call and answer', () => {
    const operations = operationsOf(document);
    const withApiKey = operations.filter(({ operation }) => (operation.security ?? []).some((requirement) => 'apiKey' in requirement));
    expect(withApiKey.map(({ path }) => path)).toEqual(
      expect.arrayContaining(['/v1/messages', '/v1/cases/{caseId}/timeline', '/v1/feed', '/v1/feed/ack', '/v1/subscriptions']),
    );
    expect(operations.length - withApiKey.length).toBe(4); // /health, /metrics, /openapi.json, /docs
    for (const { method, path, operation } of withApiKey) {
      expect({ route: `${method} ${path}`, headers: headerNames(document, operation) }).toEqual({
        route: `${method} ${path}`,
        headers: expect.arrayContaining(['purpose', 'on-behalf-of', 'x-request-id']),
      });
    }
    for (const { method, path, operation } of operations) {
      expect({ route: `${method} ${path}`, headers: headerNames(document, operation) }).toEqual({
        route: `${method} ${path}`,
        headers: expect.arrayContaining(['x-request-id']),
      });
      for (const response of Object.values(operation.responses) as { headers?: Record<string, unknown> }[])
        expect(Object.keys(response.headers ?? {})).toContain('x-request-id');
    }
    const withLastEventId = operations.filter(({ operation }) => headerNames(document, operation).includes('last-event-id'));
    expect(withLastEventId.map(({ method, path }) => `${method} ${path}`)).toEqual(['get /v1/feed']);
    expect(Object.keys((document.paths['/v1/feed'].get!.responses['200'] as { content: object }).content).sort()).toEqual([
      'application/json',
      'text/event-stream',
    ]);
  });

  it('names the error codes each answer may carry, at the status the exchange answers them with', () => {
    const codesAt = (path: string, method: string, status: string): string[] => {
      const response = (document.paths[path] as Record<string, Operation>)[method].responses[status] as {
        content: { 'application/json': { schema: { allOf: { properties?: { error: { enum: string[] } } }[] } } };
      };
      return response.content['application/json'].schema.allOf[1].properties!.error.enum;
    };
    expect(codesAt('/v1/messages', 'post', '409')).toEqual(
      expect.arrayContaining(['case_already_exists', 'case_closed', 'case_version_mismatch', 'message_id_reused']),
    );
    expect(codesAt('/v1/messages', 'post', '401')).toEqual(['unauthenticated', 'invalid_credentials']);
    expect(codesAt('/v1/messages', 'post', '413')).toEqual(['payload_too_large']);
    expect(codesAt('/v1/cases/{caseId}/timeline', 'get', '404')).toEqual(['case_not_found']);
    expect(codesAt('/v1/feed/ack', 'post', '400')).toEqual(expect.arrayContaining(['unknown_cursor', 'unknown_deliveries', 'invalid_acknowledgement']));
    expect(codesAt('/v1/audit', 'get', '403')).toEqual(['not_an_auditor']);
    expect(codesAt('/health', 'get', '500')).toEqual(['internal_error']);
    expect(Object.keys(document.paths['/health'].get!.responses).sort()).toEqual(['200', '500', '503']);
    expect(document.components!.schemas!.CmfMessage).toMatchObject({ type: 'object', properties: { header: { $ref: '#/components/schemas/CmfHeader' } } });
  });

  it('is served at /openapi.json by the running exchange, the same document', async () => {
    const answer = await fetch(`${exchange.baseUrl}/openapi.json`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await answer.text()).toBe(generated);
  });

  it('has a docs page at /docs whose every script and stylesheet the exchange serves', async () => {
    const page = await fetch(`${exchange.baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(DOCS_CONTENT_SECURITY_POLICY);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(assets).toEqual(expect.arrayContaining(['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css', '/docs/assets/docs.js']));
    for (const asset of assets) {
      expect(asset.startsWith('/')).toBe(true); // the exchange's own origin, never a CDN
      const answer = await fetch(`${exchange.baseUrl}${asset}`);
      expect({ asset, status: answer.status, bytes: (await answer.arrayBuffer()).byteLength > 0 }).toEqual({ asset, status: 200, bytes: true });
    }
    expect((await fetch(`${exchange.baseUrl}/docs/assets/swagger-initializer.js`)).status).toBe(404);
  });

  it.each([
    [
      'gateway',
      (config: ExchangeConfig): DynamicModule => ({ module: GatewayModule, imports: [PlatformModule.forRoot(config)] }),
      ['post /v1/messages', 'post /v1/messages:batch', 'post /v1/cases/{caseId}/erasures', 'put /v1/admin/operations/{id}/members'],
    ],
    [
      'query',
      (config: ExchangeConfig): DynamicModule => ({ module: QueryModule, imports: [PlatformModule.forRoot(config)] }),
      ['get /v1/cases/{caseId}/timeline', 'get /v1/operations/{id}', 'get /v1/audit', 'get /v1/me'],
    ],
    [
      'dispatcher',
      (config: ExchangeConfig): DynamicModule => ({
        module: class DispatcherServiceModule {},
        imports: [PlatformModule.forRoot(config), DispatcherModule.forRoot(config)],
      }),
      ['get /v1/feed', 'post /v1/feed/ack', 'put /v1/subscriptions'],
    ],
  ])(
    'is, for a %s process alone, the part of it that process serves',
    async (_name, rootModule, own) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cmx-openapi-service-'));
      const config = loadConfig({ LOG_LEVEL: 'error', DATA_DIR: dataDir, PORT: '0', AUDIT_SIGNING_KEY_FILE: testSigningKeyFile() });
      const app = await createHttpApp(rootModule(config), createJsonLog('service', config.logLevel));
      try {
        const serviceDocument = JSON.parse(JSON.stringify(buildOpenApiDocument(app))) as OpenAPIObject;
        const routes = operationsOf(serviceDocument).map(({ method, path }) => `${method} ${path}`);
        const common = ['get /health', 'get /metrics', 'get /openapi.json', 'get /docs'];
        expect([...routes].sort()).toEqual(
          operationsOf(document)
            .map(({ method, path }) => `${method} ${path}`)
            .filter((route) => routes.includes(route))
            .sort(),
        );
        expect(routes).toEqual(expect.arrayContaining([...common, ...own]));
        expect(routes.length).toBeLessThan(operationsOf(document).length);
        expect(danglingRefs(serviceDocument)).toEqual([]);
      } finally {
        await app.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    30_000,
  );

  describeWithChromium('in a browser', (executablePath) => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium(executablePath);
    }, 30_000);
    afterAll(() => browser?.close());

    it('shows every operation of the document, loading nothing from elsewhere and nothing the page’s policy refuses', async () => {
      const { context, page } = await newPage(browser);
      try {
        const watch = watchPage(page, new URL(exchange.baseUrl).origin);
        expect((await page.goto(`${exchange.baseUrl}/docs`))?.status()).toBe(200);
        await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
        expect(await page.locator('.opblock').count()).toBe(operationsOf(document).length);
        // an operation opened shows its parameters and answers, schemas included
        await page.locator('#operations-messages-SubmitMessage_submit .opblock-summary-control').click();
        await page.locator('#operations-messages-SubmitMessage_submit .responses-table').waitFor();
        await page.locator('#operations-messages-SubmitMessage_submit').getByText('case_version_mismatch').first().waitFor();
        expect(watch.sameOrigin).toEqual(expect.arrayContaining(['GET /docs/assets/swagger-ui-bundle.js', 'GET /openapi.json']));
        expect({ leaving: watch.leaving, refused: watch.refused, errors: watch.errors }).toEqual({ leaving: [], refused: [], errors: [] });
      } finally {
        await context.close();
      }
    }, 60_000);
  });
});
