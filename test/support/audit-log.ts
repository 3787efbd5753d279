import { createHash } from 'node:crypto';
import { DELIVERY_LEDGER, DeliveryLedger } from '@cmx/delivery';
import { EVENT_STORE, EventStore } from '@cmx/event-store';
import { DEMO_KEYS, ExchangeClient } from './exchange-client';
import type { InProcessExchange } from './in-process-exchange';
import { runNpmScript, type ScriptRun } from './npm-script';

import type { AuditItem } from '../../apps/query/src/read-audit-log/audit-log.controller';

export type { AuditItem };

export const AUDITOR = 'CMX-DPO';

/** The key id the audit log names a demo party's key by: the first 16 hex digits of the key's SHA-256 (the parties file's hash). */
export const demoKeyIdOf = (party: string): string => createHash('sha256').update(DEMO_KEYS[party]).digest('hex').slice(0, 16);

/** Every item of GET /v1/audit after `after` (all pages, following nextCursor), as `party` reads it. */
export async function readAuditLog(
  baseUrl: string,
  options: { readonly party?: string; readonly after?: string; readonly query?: Record<string, string>; readonly pageSize?: number } = {},
): Promise<{ items: AuditItem[]; cursor: string }> {
  const client = new ExchangeClient(baseUrl, options.party ?? AUDITOR);
  const items: AuditItem[] = [];
  let cursor = options.after ?? '0';
  for (let page = 0; page < 10_000; page++) {
    const search = new URLSearchParams({ ...options.query, after: cursor, limit: String(options.pageSize ?? 1000) });
    const answer = await client.request('GET', `/v1/audit?${search}`);
    if (answer.status !== 200) throw new Error(`GET /v1/audit?${search} as ${client.party} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    items.push(...answer.body.items);
    if (answer.body.items.length === 0) {
      if (answer.body.nextCursor !== cursor) throw new Error(`an empty page moved the cursor from ${cursor} to ${answer.body.nextCursor}`);
      return { items, cursor };
    }
    cursor = answer.body.nextCursor;
  }
  throw new Error('GET /v1/audit did not end');
}

export type VerifyRun = ScriptRun;

/** Settings of the test process that would point `audit:verify` at another log than the one given. */
const FOREIGN_SETTINGS = ['AUDIT_SIGNING_KEY_FILE', 'AUDIT_TRUSTED_KEYS_FILE', 'EVENT_STORE', 'DATABASE_URL', 'DATABASE_SCHEMA', 'DATA_DIR', 'AUDIT_LOG'];

/** `npm run -s audit:verify [-- args]` as a child process, with only the given settings naming the log and its keys. */
export function runAuditVerify(env: Record<string, string>, args: readonly string[] = [], timeoutMs = 60_000): Promise<VerifyRun> {
  return runNpmScript('audit:verify', { args, env, unset: FOREIGN_SETTINGS, timeoutMs });
}

export const HONEST_VERIFY = /^verified (\d+) entries (?:from \d+ )?up to ([0-9a-f]{64})/;

export async function waitUntil(what: string, predicate: () => Promise<boolean> | boolean, timeoutMs = 15_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`${what}: not so after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Waits until the in-process exchange has nothing left to do: the dispatcher
 * has recorded every stored event (its checkpoint is the store's head) and
 * every projection is at the head (its /health report).
 */
export async function settle(exchange: InProcessExchange, timeoutMs = 15_000): Promise<void> {
  const store = exchange.app.get<symbol, EventStore>(EVENT_STORE, { strict: false });
  const ledger = exchange.app.get<symbol, DeliveryLedger>(DELIVERY_LEDGER, { strict: false });
  await waitUntil(
    'the dispatcher and the projections reach the head of the store',
    async () => {
      const head = (await store.headPosition()) ?? null;
      if (head === null) return true;
      if ((await ledger.checkpoint()) !== head) return false;
      const health = (await (await fetch(`${exchange.baseUrl}/health`)).json()) as { projections?: Record<string, { checkpoint: string | null }> };
      const projections = Object.values(health.projections ?? {});
      return projections.length > 0 && projections.every((projection) => projection.checkpoint === head) && (await store.headPosition()) === head;
    },
    timeoutMs,
  );
}

export interface SseRead {
  readonly status: number;
  readonly headers: Headers;
  readonly deliveries: { id: string; delivery: { caseId: string; messageId: string; sender: string } }[];
  readonly heartbeats: number;
  /** The server ended the stream (or broke the connection) before we closed it. */
  readonly endedByServer: boolean;
  readonly text: string;
}

/**
 * Opens GET /v1/feed as server-sent events and reads until the first
 * heartbeat comment: the server writes one only once it has sent its whole
 * backlog and waited a heartbeat with nothing new. Then closes.
 */
export async function readSseUntilHeartbeat(baseUrl: string, path: string, headers: Record<string, string>, timeoutMs = 10_000): Promise<SseRead> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(`${baseUrl}${path}`, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
    const deliveries: SseRead['deliveries'] = [];
    let heartbeats = 0;
    let text = '';
    let endedByServer = false;
    if (response.status !== 200 || !response.body) {
      return { status: response.status, headers: response.headers, deliveries, heartbeats, endedByServer: true, text: await response.text() };
    }
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      reading: for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        const decoded = decoder.decode(chunk, { stream: true });
        text += decoded;
        buffer += decoded;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: string | undefined;
          let data: string | undefined;
          for (const line of block.split('\n')) {
            if (line === ': heartbeat') heartbeats += 1;
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data = line.slice(6);
          }
          if (id !== undefined) deliveries.push({ id, delivery: JSON.parse(data!) });
          if (heartbeats > 0) break reading;
        }
      }
      endedByServer = heartbeats === 0;
    } catch (error) {
      if (controller.signal.aborted) throw new Error(`SSE ${path}: no heartbeat within ${timeoutMs} ms (${deliveries.length} deliveries)`, { cause: error });
      endedByServer = true; // the server broke the connection
    }
    return { status: response.status, headers: response.headers, deliveries, heartbeats, endedByServer, text };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
