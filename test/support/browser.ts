import { accessSync, constants, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeWithEngine } from '@cmx/event-store/conformance';
import { chromium, errors, type Browser, type BrowserContext, type Locator, type Page, type Request } from 'playwright-core';

/** Debian's chromium, which `npm run -s engines:up` installs and names in CHROMIUM_PATH. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
/** Where the console's screenshots go; .ci/run keeps the directory as the run's artefacts. */
export const SCREENSHOTS = resolve(__dirname, '../../artifacts/console');
export const VIEWPORT = { width: 1280, height: 800 } as const;

/**
 * The few browser globals the tests' page functions use, the project's tsconfig having no DOM library: inside a
 * function run in the page, `const { document } = globalThis as unknown as PageGlobals`.
 */
export interface PageGlobals {
  readonly document: {
    querySelector(selector: string): { readonly textContent: string | null } | null;
    readonly cookie: string;
    readonly activeElement: unknown;
  };
  readonly location: { readonly href: string; hash: string };
  readonly localStorage: PageStorage;
  readonly sessionStorage: PageStorage;
  [name: string]: unknown;
}
interface PageStorage {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
}

type Found = { readonly path: string } | { readonly reason: string };

/** The Chromium executable of CHROMIUM_PATH (default /usr/bin/chromium), or why there is none. */
export function findChromium(): Found {
  const path = process.env.CHROMIUM_PATH?.trim() || DEFAULT_CHROMIUM;
  try {
    accessSync(path, constants.X_OK);
    return { path };
  } catch {
    const setting = process.env.CHROMIUM_PATH?.trim() ? `CHROMIUM_PATH=${path}` : `CHROMIUM_PATH is not set and ${DEFAULT_CHROMIUM}`;
    return { reason: `${setting} is not an executable: run \`npm run -s engines:up\` (installs Debian's chromium as root) and export the settings it prints` };
  }
}

/** A describe block whose tests need Chromium, the browser engine, under test/support/engines.ts's rule. */
export function describeWithChromium(title: string, body: (executablePath: string) => void): void {
  const found = findChromium();
  describeWithEngine('Chromium', 'path' in found ? { value: found.path } : { absentBecause: found.reason }, title, body);
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-background-networking'] });
}

/** A fresh context (no storage shared with another page) with one page at 1280×800. */
export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  return { context, page };
}

export interface PageWatch {
  /** Every request to the exchange's origin, as "GET /path?query". */
  readonly sameOrigin: string[];
  /** Every request elsewhere (data: and blob: URLs never leave the browser and are not counted). */
  readonly leaving: string[];
  /** What the Content Security Policy refused to load or connect to: a request that never got as far as the network. */
  readonly refused: string[];
  /** Uncaught errors of the page's scripts. */
  readonly errors: string[];
}

/** Watches what `page` asks for and what goes wrong in it, from now on; the arrays fill as the page runs. */
export function watchPage(page: Page, origin: string): PageWatch {
  const watch: PageWatch = { sameOrigin: [], leaving: [], refused: [], errors: [] };
  page.on('request', (request: Request) => {
    const url = request.url();
    if (/^(data|blob):/.test(url)) return;
    const parsed = new URL(url);
    if (parsed.origin === origin) watch.sameOrigin.push(`${request.method()} ${parsed.pathname}${parsed.search}`);
    else watch.leaving.push(`${request.method()} ${url}`);
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) watch.refused.push(message.text());
  });
  page.on('pageerror', (error) => watch.errors.push(error.stack ?? error.message));
  return watch;
}

/**
 * Saves what the page shows (all of it), or one element of it, to artifacts/console/<name>.png and returns the
 * file's path.
 */
export async function screenshot(target: Page | Locator, name: string): Promise<string> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`screenshot name ${name} must be lower-case letters, digits and dashes`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  if ('goto' in target) await target.screenshot({ path, fullPage: true });
  else await target.screenshot({ path });
  return path;
}

/**
 * Reads again (after 20, 40, … at most 250 ms) until `read` gives `expected`, for at most `waitMs`, and returns the
 * last value read for the caller to assert on: a wait that ran out is a failed expectation showing the value seen,
 * not a timeout. For the exchange's answers; what the page shows is waited for with page.waitForFunction.
 */
export async function settle<T>(read: () => Promise<T>, expected: T, waitMs = 20_000): Promise<T> {
  const deadline = Date.now() + waitMs;
  let value = await read();
  for (let pause = 20; !isEqual(value, expected) && Date.now() < deadline; pause = Math.min(pause * 2, 250)) {
    await new Promise((resolve) => setTimeout(resolve, pause));
    value = await read();
  }
  return value;
}

function isEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * page.waitForFunction (Playwright polls `predicate` in the page at each animation frame) for at most `waitMs`,
 * without throwing when the wait runs out: the caller then asserts on what the page shows, so that a failure says
 * what was there rather than that time ran out.
 */
export async function waitInPage<A>(page: Page, predicate: (arg: A) => boolean, arg: A, waitMs = 20_000): Promise<void> {
  try {
    // `A` is plain JSON, which Playwright passes as it is (its Unboxed<A> is A).
    await page.waitForFunction(predicate as never, arg, { timeout: waitMs, polling: 'raf' });
  } catch (error) {
    if (!(error instanceof errors.TimeoutError)) throw error;
  }
}
