import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ExchangeClient, HttpAnswer } from './exchange-client';

/**
 * Values that can be searched for: every one is a fixed-length token no other
 * text of the exchange holds, so that a value of a person is found (or not) in
 * an API answer, a read-model row or the raw bytes of a file by its token alone.
 *
 * - text tokens: three capitals naming the field, `ZQ`, then 10 lower-case letters or digits (`FAMZQ00k3x9q2ab`);
 * - phone numbers: `+990` and 10 digits;
 * - payment amounts: 5 digits and `.73` (JSON writes them so; base64 has no dot).
 */
const SESSION = randomBytes(3).toString('hex'); // 6 characters, new in each copy of this module
let tokenCounter = 0;
let phoneCounter = 0;
let amountCounter = 10_000 + Math.floor(Math.random() * 40_000);

/** A text token unique in this test process: `kind` is three capitals (FAM, GIV, ALI, DOC, TTL, SUM…). */
export function uniqueToken(kind: string): string {
  if (!/^[A-Z]{3}$/.test(kind)) throw new Error(`token kind ${kind} must be three capitals`);
  tokenCounter += 1;
  return `${kind}ZQ${SESSION}${tokenCounter.toString(36).padStart(4, '0')}`;
}

export function uniquePhone(): string {
  phoneCounter += 1;
  const session = parseInt(SESSION, 16) % 100_000;
  return `+990${String(session).padStart(5, '0')}${String(phoneCounter).padStart(5, '0')}`;
}

export function uniqueAmount(): number {
  amountCounter += 1;
  if (amountCounter > 99_999) amountCounter = 10_000;
  return Number(`${amountCounter}.73`);
}

/** The JSON text of an amount, as it is searched for. */
export const amountText = (amount: number): string => JSON.stringify(amount);

const TOKEN_PATTERN = /[A-Z]{3}ZQ[0-9a-z]{10}|\+990\d{10}|(?<![\d.])\d{5}\.73(?!\d)/g;

/** Every token (of the shapes above) a text holds. */
export function tokensIn(text: string): Set<string> {
  return new Set(text.match(TOKEN_PATTERN) ?? []);
}

export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms; last ${JSON.stringify(value)?.slice(0, 2_000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Until every projection's checkpoint is the store's head (as GET /health reports them). */
export async function projectionsCaughtUp(client: ExchangeClient, timeoutMs = 15_000): Promise<void> {
  await eventually(
    async () => (await client.request('GET', '/health')).body as { projections?: Record<string, { checkpoint: string; head: string }> },
    (health) => health.projections !== undefined && Object.values(health.projections).every((lag) => lag.checkpoint === lag.head),
    'the projector catching up',
    timeoutMs,
  );
}

export function erasureRequest(client: ExchangeClient, caseId: string, body: object): Promise<HttpAnswer> {
  return client.request('POST', `/v1/cases/${encodeURIComponent(caseId)}/erasures`, JSON.stringify(body));
}

/** Every item of the caller's feed, from cursor 0, page by page. */
export async function wholeFeed(client: ExchangeClient): Promise<{ items: { cursor: string; delivery: any }[]; text: string }> {
  const items: { cursor: string; delivery: any }[] = [];
  const pages: string[] = [];
  let cursor = '0';
  for (;;) {
    const answer = await client.request('GET', `/v1/feed?limit=1000&after=${cursor}`);
    if (answer.status !== 200) throw new Error(`GET /v1/feed of ${client.party} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    pages.push(JSON.stringify(answer.body));
    items.push(...answer.body.items);
    if (answer.body.items.length < 1000) return { items, text: pages.join('\n') };
    cursor = answer.body.nextCursor;
  }
}

/** Every regular file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return [];
    return stat.isDirectory() ? filesUnder(path) : stat.isFile() ? [path] : [];
  });
}

/** `npm run -s projections:rebuild -- …args` as an operator runs it, with the exchange's settings. */
export function runProjectionsRebuild(
  env: Record<string, string>,
  args: readonly string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npm', ['run', '-s', 'projections:rebuild', '--', ...args], {
    cwd: join(__dirname, '..', '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}
