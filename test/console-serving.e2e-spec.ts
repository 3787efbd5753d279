import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ExchangeClient } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { runNpmScript } from './support/npm-script';

interface RawAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The bytes as sent, not decompressed. */
  readonly body: Buffer;
}

/** A GET (or HEAD) with exactly these headers: fetch would add Accept-Encoding and decompress. */
function rawRequest(baseUrl: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${baseUrl}${path}`, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

const CONTENT_TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml' };
const extensionOf = (path: string): string => path.slice(path.lastIndexOf('.') + 1);

/** Every src and href of the page. */
const referencesOf = (html: string): string[] => [...html.matchAll(/\s(?:src|href)\s*=\s*["']([^"']*)["']/gi)].map(([, reference]) => reference);

describe('the console served under /console by the query module', () => {
  const consoleDir = mkdtempSync(join(tmpdir(), 'cmx-console-'));
  let exchange: InProcessExchange;
  let index: string;
  let assets: string[];

  beforeAll(async () => {
    const build = await runNpmScript('build:console', { args: ['--outDir', consoleDir, '--emptyOutDir'] });
    expect([build.code, build.stderr]).toEqual([0, expect.any(String)]);
    index = readFileSync(join(consoleDir, 'index.html'), 'utf8');
    assets = referencesOf(index);
    exchange = await startInProcessExchange({ CONSOLE_DIR: consoleDir });
  }, 120_000);
  afterAll(async () => {
    await exchange?.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  it('redirects /console to /console/, which answers the index without an API key, never cached without asking', async () => {
    const bare = await rawRequest(exchange.baseUrl, '/console');
    expect([bare.status, bare.headers.location]).toEqual([301, '/console/']);

    const page = await rawRequest(exchange.baseUrl, '/console/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-encoding']).toBeUndefined();
    expect(page.body.toString('utf8')).toBe(index);
    expect(index).toContain('<div id="root"></div>');

    const head = await rawRequest(exchange.baseUrl, '/console/', {}, 'HEAD');
    expect([head.status, head.headers['content-type'], head.body.length]).toEqual([200, 'text/html; charset=utf-8', 0]);
  });

  it('puts a strict Content-Security-Policy and nosniff on every console answer', async () => {
    for (const path of ['/console/', ...assets, '/console/assets/nothing-here.js']) {
      const answer = await rawRequest(exchange.baseUrl, path);
      const policy = String(answer.headers['content-security-policy']);
      expect([path, policy.split('; ')[0]]).toEqual([path, "default-src 'self'"]);
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).not.toContain('unsafe-eval');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('has an index that loads only its own script, style sheet and icon, from this origin, with no inline script', () => {
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const reference of assets) expect(reference).toMatch(/^\/console\/assets\/[\w.-]+\.(js|css|svg)$/);
    expect(assets.some((reference) => reference.endsWith('.js'))).toBe(true);
    expect(assets.some((reference) => reference.endsWith('.css'))).toBe(true);
    const scripts = [...index.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [tag, content] of scripts) {
      expect(tag).toMatch(/\ssrc=/);
      expect(content.trim()).toBe('');
    }
    expect(index).not.toMatch(/<style\b|\sstyle=/i);
  });

  it('serves each asset with its content type, cached for a year as immutable, the script and style sheet gzipped for a client that accepts it', async () => {
    for (const path of assets) {
      const onDisk = readFileSync(join(consoleDir, path.slice('/console/'.length)));
      const plain = await rawRequest(exchange.baseUrl, path);
      expect([path, plain.status]).toEqual([path, 200]);
      expect(plain.headers['content-type']).toBe(CONTENT_TYPES[extensionOf(path)]);
      expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.equals(onDisk)).toBe(true);

      const again = await rawRequest(exchange.baseUrl, path, { 'if-none-match': String(plain.headers.etag) });
      expect([again.status, again.body.length]).toEqual([304, 0]);
      if (extensionOf(path) === 'svg') continue;

      const gzipped = await rawRequest(exchange.baseUrl, path, { 'accept-encoding': 'br;q=1, gzip;q=0.8' });
      expect([path, gzipped.headers['content-encoding'], gzipped.headers.vary]).toEqual([path, 'gzip', 'Accept-Encoding']);
      expect(gzipped.body.length).toBeLessThan(onDisk.length);
      expect(gunzipSync(gzipped.body).equals(onDisk)).toBe(true);

      const refused = await rawRequest(exchange.baseUrl, path, { 'accept-encoding': 'gzip;q=0, identity' });
      expect(refused.headers['content-encoding']).toBeUndefined();
    }
  });

  it('answers 404 for an asset the build does not have, and keeps the API behind its key', async () => {
    for (const path of ['/console/assets/nothing-here.js', '/console/assets/', '/console/assets/../index.html', '/console/index.html.map']) {
      const answer = await rawRequest(exchange.baseUrl, path);
      expect([path, answer.status]).toEqual([path, 404]);
    }
    const missing = await rawRequest(exchange.baseUrl, '/console/assets/nothing-here.js');
    expect(JSON.parse(missing.body.toString('utf8')).error).toBe('route_not_found');
    const api = await ExchangeClient.anonymous(exchange.baseUrl).request('GET', '/v1/me');
    expect([api.status, api.body.error]).toEqual([401, 'unauthenticated']);
    const board = await ExchangeClient.anonymous(exchange.baseUrl).request('GET', '/v1/operations/OP-HYDRA-2026');
    expect(board.status).toBe(401);
  });
});

describe('/console when the console has not been built', () => {
  const emptyDir = mkdtempSync(join(tmpdir(), 'cmx-no-console-'));
  let exchange: InProcessExchange;

  beforeAll(async () => {
    exchange = await startInProcessExchange({ CONSOLE_DIR: emptyDir });
  });
  afterAll(async () => {
    await exchange?.close();
    rmSync(emptyDir, { recursive: true, force: true });
  });

  it('answers 503 with one line saying to run npm run build', async () => {
    for (const path of ['/console', '/console/', '/console/assets/index-abc.js']) {
      const answer = await rawRequest(exchange.baseUrl, path);
      expect([path, answer.status, answer.headers['content-type']]).toEqual([path, 503, 'text/plain; charset=utf-8']);
      const text = answer.body.toString('utf8');
      expect(text).toContain('npm run build');
      expect(text.trimEnd().split('\n')).toHaveLength(1);
    }
    expect((await new ExchangeClient(exchange.baseUrl, 'NCB-IT').request('GET', '/v1/me')).status).toBe(200);
  });
});
