/**
 * npm run bench:ingest [-- --duration 20 --connections 64 --rounds 1 --batch-clients 4 --batch-size 500
 *                         --grpc-window 3000 --grpc-frame 100 --rate 2000 --soak 120 --encryption-rounds 1]
 *
 * Against the embedded exchange (bench/bench-server.ts: SQLite, fsync on every commit, the projector and the
 * dispatcher in the forked background process unless EXCHANGE_BACKGROUND=inline, gRPC on its own GRPC_PORT) in
 * its own process, each server on a fresh DATA_DIR and ports. Every message is a realistic ≈ 4.9 KB case.opened
 * (realisticCaseOpened of @cmx/contracts/testing) of a new case, its JSON made from a template refreshed every
 * second (the same bytes as JSON.stringify of the fixture, at a tenth of the client's CPU).
 * 1. Optional (`--encryption-rounds N`, default 1, 0 skips): accepted messages/s and latency with `--connections`
 *    keep-alive clients on POST /v1/messages, with personal data sealed (the default: every person, held document,
 *    payment naming a person and free-text field under a per-(case, person) AES-256-GCM key from
 *    DATA_DIR/keys.sqlite) and with PERSONAL_DATA_ENCRYPTION=off, alternating (off, on | on, off | …) on a fresh
 *    server each, so that a drift of this shared machine's speed weighs on both alike; each round's on/off ratio of
 *    throughput, p99 and server CPU a message is printed, with their median (the verdict, target ≥ 0.90) and the
 *    ratio of the means. After each run the store and the key store are read back: an `on` run's events hold
 *    sealed values, an `off` run's none.
 * 2. One server, encryption on, after a short warm-up of each path:
 *    a. `--rounds` rounds of the bare route (POST /bench/bare: Fastify + Nest + JSON parsing + the API-key guard,
 *       no validation, decision or store: the framework's ceiling) and single POSTs (POST /v1/messages), in
 *       alternating order, `--connections` clients, `--duration` s each; target: single ≥ 0.60 × bare (median of
 *       the rounds' ratios);
 *    b. the route registered on Fastify itself (the HTTP server's ceiling, without Nest);
 *    c. NDJSON batches: `--batch-clients` clients each posting batches of `--batch-size` messages to
 *       POST /v1/messages:batch back to back for `--duration` s (the last ones finish after it); durable accepted
 *       messages/s = answer lines with status 201 / time from the first request to the last answer; batch latency
 *       p50/p99; target ≥ 10,000 messages/s;
 *    d. a gRPC SubmitMessages stream (@grpc/grpc-js + proto/cmx/v1): `--grpc-frame` messages a frame, at most
 *       `--grpc-window` messages sent and not yet answered, write() backpressure respected, for `--duration` s,
 *       then every answer awaited; accepted/s (httpStatus 201) over the time from the first frame to the last
 *       answer, per-message latency (frame written → its response) p50/p99; target ≥ 10,000 messages/s;
 *    e. a fixed rate (`--rate`, default 2,000 messages/s) of single POSTs for `--soak` s (0 skips), sampling the
 *       RSS of the server and of its child processes (summed; children found through /proc) about every 10 s:
 *       first, last, max, growth, and the growth over the second half (target: flat, ≤ 10 % of the RSS at half
 *       time — this bench's reading of it).
 *    Around each storing load the events the store holds (case streams) are counted: for the batches and the
 *    stream they must equal the 201s exactly (every answer is awaited); for autocannon's loads the store may hold
 *    up to `--connections` more (requests in flight when it stops are stored but not counted).
 * 3. In this process, raw appends of the same events to a SQLite store, `--connections` concurrent, for
 *    `--duration` s (the store's ceiling): every path above is printed as a ratio to it too.
 * A final table gives each path's messages/s, p50, p99, ratio to its ceiling and to the raw store, target and
 * verdict. Server CPU is the server process's plus its children's (the background process), per message.
 * BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") is passed to every server's node; the servers
 * are stopped with SIGUSR2 then, so that the profile is written (the background process's is not).
 * Default run ≈ 6 minutes on two cores (`--soak 600`: ≈ 14).
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { realisticCaseOpened } from '@cmx/contracts/testing';
import { SqliteEventStore } from '@cmx/event-store';
import { freePort } from '../test/support/free-port';
import { grpcClientOf } from '../test/support/grpc-client';
import { argument, countArgument, machine, mean, median, percentile, round, startServer, stopServer, treeCpuDelta, treeCpuMs, treeRssMiB } from './support';

const duration = argument('duration', 20);
const connections = argument('connections', 64);
const rounds = argument('rounds', 1);
const encryptionRounds = countArgument('encryption-rounds', 1);
const batchClients = argument('batch-clients', 4);
const batchSize = argument('batch-size', 500);
const grpcWindow = argument('grpc-window', 3000);
const grpcFrame = argument('grpc-frame', 100);
const rate = argument('rate', 2000);
const soak = countArgument('soak', 120);
const API_KEY = 'demo-ncb-it';
const ENCRYPTION_RATIO_TARGET = 0.9;
const SINGLE_TO_BARE_TARGET = 0.6;
const BULK_TARGET = 10_000;
/** RSS "flat": growth over the soak's second half at most this share of the RSS at half time. */
const RSS_GROWTH_TARGET = 0.1;
/** A profiled server must exit through process.exit for node to write its --cpu-prof file. */
const STOP_SIGNAL: NodeJS.Signals = process.env.BENCH_SERVER_NODE_ARGS?.includes('--cpu-prof') ? 'SIGUSR2' : 'SIGTERM';
type Encryption = 'on' | 'off';

// ---------------------------------------------------------------------------------------------------------------
// Messages

const CASE_MARK = 'IT-2026-CASE@MARK';
const MESSAGE_MARK = '00000000-0000-4000-8000-0000mark0000';
/** realisticCaseOpened's JSON cut around its case id and message id, for the current second's sentAt. */
let template: { second: number; parts: Array<{ text: string; mark?: 'case' | 'message' }> } | undefined;

function templateParts(): NonNullable<typeof template>['parts'] {
  const second = Math.floor(Date.now() / 1000);
  if (template?.second === second) return template.parts;
  const json = JSON.stringify(realisticCaseOpened(CASE_MARK, MESSAGE_MARK, 'NCB-IT', new Date(second * 1000)));
  const parts: NonNullable<typeof template>['parts'] = [];
  let start = 0;
  for (const match of json.matchAll(new RegExp(`${CASE_MARK}|${MESSAGE_MARK}`, 'g'))) {
    parts.push({ text: json.slice(start, match.index), mark: match[0] === CASE_MARK ? 'case' : 'message' });
    start = match.index! + match[0].length;
  }
  parts.push({ text: json.slice(start) });
  template = { second, parts };
  return parts;
}

let caseCounter = 0;
/** The JSON of a realistic case.opened of a new case (IT-2026-<counter>), a new message id. */
function nextMessageBody(): string {
  caseCounter += 1;
  const caseId = `IT-2026-${String(caseCounter).padStart(9, '0')}`;
  const messageId = randomUUID();
  let json = '';
  for (const part of templateParts()) json += part.text + (part.mark === 'case' ? caseId : part.mark === 'message' ? messageId : '');
  return json;
}

// ---------------------------------------------------------------------------------------------------------------
// Results

interface LoadResult {
  readonly label: string;
  /** Accepted (stored) messages a second; for the bare and Fastify routes, 2xx answers a second. */
  readonly perSecond: number;
  /** Accepted: 2xx for autocannon's loads, 201 lines / responses for batches and the stream. */
  readonly ok: number;
  /** Answered but not accepted (non-2xx; for batches and the stream any status but 201). */
  readonly refused: number;
  readonly errors: number;
  /** Latency, ms: of a request (autocannon), of a whole batch, of a message on the stream, of an append. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Server CPU (user + system, all threads) a accepted message, µs: the server process's and its children's. */
  readonly cpu?: { readonly main: number; readonly background: number };
  /** This process's CPU over the load, % of one core (the load generator shares the two cores). */
  readonly clientCpu?: number;
  /** Anything worth a line: answer statuses other than 201, the first error. */
  readonly notes?: string;
}

interface EncryptionRun extends LoadResult {
  readonly encryption: Encryption;
  /** What the run left: stored events, those holding sealed values, data keys made. */
  readonly stored: { events: number; sealed: number; keys: number; keyCases: number };
}

interface StoreCheck {
  readonly label: string;
  readonly accepted: number;
  readonly stored: number;
  /** Every answer awaited: stored must equal accepted; otherwise stored may exceed it by up to `slack`. */
  readonly slack: number;
}

interface MemorySample {
  readonly at: number;
  readonly total: number;
  readonly each: Array<{ pid: number; mib: number }>;
}

const cpuTotal = (r: LoadResult) => (r.cpu === undefined ? undefined : r.cpu.main + r.cpu.background);
const cpuText = (r: LoadResult) =>
  r.cpu === undefined ? '–' : `${Math.round(r.cpu.main + r.cpu.background)} (${Math.round(r.cpu.main)} + ${Math.round(r.cpu.background)})`;
const formatNumber = (value: number) => Math.round(value).toLocaleString('en-US');

/** Measures the server tree's and this process's CPU around `run`, and adds them, per accepted message, to its result. */
async function withCpu(pid: number | undefined, run: () => Promise<Omit<LoadResult, 'cpu' | 'clientCpu'>>): Promise<LoadResult> {
  const before = pid === undefined ? undefined : treeCpuMs(pid);
  const client = process.cpuUsage();
  const started = performance.now();
  const result = await run();
  const wall = performance.now() - started;
  const used = process.cpuUsage(client);
  const clientCpu = round(((used.user + used.system) / 1000 / wall) * 100, 0);
  if (pid === undefined || before === undefined) return { ...result, clientCpu };
  const delta = treeCpuDelta(pid, before, treeCpuMs(pid));
  const per = (ms: number) => (ms * 1000) / Math.max(1, result.ok);
  return { ...result, cpu: { main: per(delta.main), background: per(delta.descendants) }, clientCpu };
}

// ---------------------------------------------------------------------------------------------------------------
// Loads

async function load(label: string, url: string, options: { connections: number; duration: number; overallRate?: number; pid?: number }): Promise<LoadResult> {
  return withCpu(options.pid, async () => {
    const result = await autocannon({
      url,
      method: 'POST',
      connections: options.connections,
      duration: options.duration,
      overallRate: options.overallRate,
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      requests: [{ setupRequest: (request) => ({ ...request, body: nextMessageBody() }) }],
    });
    return {
      label,
      perSecond: round(result['2xx'] / options.duration, 0),
      ok: result['2xx'],
      refused: result.non2xx,
      errors: result.errors + result.timeouts,
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
    };
  });
}

/** One POST of an NDJSON body on a keep-alive agent: the answer's status and text. */
function postNdjson(agent: Agent, base: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: 'POST',
        path: '/v1/messages:batch',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/x-ndjson', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        response.on('error', reject);
      },
    );
    req.setTimeout(120_000, () => req.destroy(new Error('no answer in 120 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** `clients` clients posting batches of `size` messages back to back until `seconds` have passed; each batch's answer awaited. */
async function ndjsonBatches(label: string, base: string, options: { clients: number; size: number; seconds: number; pid?: number }): Promise<LoadResult> {
  return withCpu(options.pid, async () => {
    const url = new URL(base);
    const agent = new Agent({ keepAlive: true, maxSockets: options.clients });
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    let accepted = 0;
    let refused = 0;
    let errors = 0;
    let firstError: string | undefined;
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    const client = async () => {
      while (performance.now() < deadline) {
        const lines: string[] = [];
        for (let index = 0; index < options.size; index += 1) lines.push(nextMessageBody());
        const body = lines.join('\n') + '\n';
        const sent = performance.now();
        try {
          const answer = await postNdjson(agent, url, body);
          latencies.push(performance.now() - sent);
          if (answer.status !== 200) {
            errors += 1;
            firstError ??= `HTTP ${answer.status}: ${answer.text.slice(0, 300)}`;
            continue;
          }
          let answered = 0;
          for (const line of answer.text.split('\n')) {
            if (line === '') continue;
            answered += 1;
            const { status } = JSON.parse(line) as { status: number };
            if (status === 201) accepted += 1;
            else {
              refused += 1;
              statuses.set(status, (statuses.get(status) ?? 0) + 1);
            }
          }
          if (answered !== options.size) firstError ??= `a batch of ${options.size} got ${answered} answer lines`;
        } catch (error) {
          errors += 1;
          firstError ??= (error as Error).message;
        }
      }
    };
    await Promise.all(Array.from({ length: options.clients }, client));
    const seconds = (performance.now() - started) / 1000;
    agent.destroy();
    latencies.sort((a, b) => a - b);
    const notes = [...[...statuses].map(([status, n]) => `${n} × ${status}`), ...(firstError ? [`first error: ${firstError}`] : [])].join('; ');
    return {
      label,
      perSecond: round(accepted / seconds, 0),
      ok: accepted,
      refused,
      errors,
      p50: round(percentile(latencies, 0.5) ?? NaN, 1),
      p99: round(percentile(latencies, 0.99) ?? NaN, 1),
      max: round(latencies.at(-1) ?? NaN, 1),
      notes: `${latencies.length} batches in ${round(seconds, 1)} s${notes ? `; ${notes}` : ''}`,
    };
  });
}

interface SubmitResponse {
  readonly correlationId: string;
  readonly httpStatus: number;
  readonly receipt?: { messageId: string };
  readonly error?: { code: number; message: string };
}

/**
 * One SubmitMessages stream: frames of `frame` messages while fewer than `window` are unanswered and write() has
 * not asked to wait, until `seconds` have passed; then the call is ended and every answer awaited.
 */
async function grpcStream(label: string, address: string, options: { seconds: number; window: number; frame: number; pid?: number }): Promise<LoadResult> {
  return withCpu(options.pid, async () => {
    const { client, metadata } = grpcClientOf(address, 'NCB-IT', API_KEY);
    const call: grpc.ClientDuplexStream<unknown, SubmitResponse> = client.submitMessages(metadata);
    const sentAt: number[] = [];
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    const messageIds = new Set<string>();
    let sent = 0;
    let answered = 0;
    let accepted = 0;
    let firstRefusal: string | undefined;
    let wake: (() => void) | undefined;
    const ended = new Promise<void>((resolve, reject) => {
      call.on('end', resolve);
      call.on('error', reject);
    });
    ended.catch(() => undefined); // awaited below
    call.on('data', (response: SubmitResponse) => {
      answered += 1;
      latencies.push(performance.now() - sentAt[Number(response.correlationId)]);
      if (response.httpStatus === 201) {
        accepted += 1;
        if (response.receipt) messageIds.add(response.receipt.messageId);
      } else {
        statuses.set(response.httpStatus, (statuses.get(response.httpStatus) ?? 0) + 1);
        firstRefusal ??= `${response.httpStatus}: ${response.error?.message}`;
      }
      if (wake && sent - answered + options.frame <= options.window) {
        const resume = wake;
        wake = undefined;
        resume();
      }
    });
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    let drains = 0;
    let windowWaits = 0;
    while (performance.now() < deadline) {
      if (sent - answered + options.frame > options.window) {
        windowWaits += 1;
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), ended]);
        continue;
      }
      const entries = [];
      for (let index = 0; index < options.frame; index += 1) entries.push({ correlationId: String(sent + index), cmfJson: Buffer.from(nextMessageBody()) });
      const now = performance.now();
      for (let index = 0; index < options.frame; index += 1) sentAt[sent + index] = now;
      sent += options.frame;
      if (!call.write({ entries })) {
        drains += 1;
        await Promise.race([once(call, 'drain'), ended]);
      }
    }
    call.end();
    let timer: NodeJS.Timeout | undefined;
    let failure: string | undefined;
    try {
      await Promise.race([
        ended,
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${sent - answered} answers still missing 120 s after the end`)), 120_000))),
      ]);
    } catch (error) {
      failure = (error as Error).message;
      call.cancel();
    } finally {
      clearTimeout(timer);
      client.close();
    }
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const notes = [
      `${sent} sent in ${sent / options.frame} frames, ${answered} answered in ${round(seconds, 1)} s; waited ${windowWaits} × for the window, ${drains} × for drain`,
      `${messageIds.size} distinct message ids in the receipts`,
      ...[...statuses].map(([status, n]) => `${n} × ${status}`),
      ...(firstRefusal ? [`first refusal ${firstRefusal}`] : []),
      ...(failure ? [`call failed: ${failure}`] : []),
    ].join('; ');
    return {
      label,
      perSecond: round(accepted / seconds, 0),
      ok: accepted,
      refused: answered - accepted,
      errors: (failure ? 1 : 0) + (messageIds.size === accepted ? 0 : 1),
      p50: round(percentile(latencies, 0.5) ?? NaN, 1),
      p99: round(percentile(latencies, 0.99) ?? NaN, 1),
      max: round(latencies.at(-1) ?? NaN, 1),
      notes,
    };
  });
}

async function rawAppends(seconds: number, concurrency: number): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cmx-bench-store-'));
  const store = await SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
  const latencies: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  let counter = 0;
  const writer = async () => {
    while (Date.now() < deadline) {
      counter += 1;
      const caseId = `IT-2026-${String(counter).padStart(9, '0')}`;
      const message = realisticCaseOpened(caseId, randomUUID(), 'NCB-IT', new Date());
      const started = performance.now();
      await store.append(
        `case-${caseId}`,
        [
          {
            id: message.header.messageId,
            type: 'CaseOpened',
            data: { message, receivedAt: new Date().toISOString(), entitledParties: ['EUROPOL', 'NCB-IT'] },
            metadata: { messageId: message.header.messageId, caseId, sender: 'NCB-IT' },
          },
        ],
        0,
      );
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, writer));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const at = (q: number) => round(percentile(latencies, q), 2);
  return {
    label: `raw SQLite appends (${concurrency} concurrent, this process)`,
    perSecond: round(latencies.length / seconds, 0),
    ok: latencies.length,
    refused: 0,
    errors: 0,
    p50: at(0.5),
    p99: at(0.99),
    max: at(1),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Servers and stores

interface Server {
  readonly base: string;
  readonly grpcAddress: string;
  readonly pid: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

async function serverOn(encryption: Encryption): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), `cmx-bench-ingest-${encryption}-`));
  const port = await freePort();
  const grpcPort = await freePort();
  const server = await startServer('bench-server.ts', {
    DATA_DIR: dataDir,
    PORT: String(port),
    GRPC_PORT: String(grpcPort),
    HOST: '127.0.0.1',
    PERSONAL_DATA_ENCRYPTION: encryption,
  });
  return { base: `http://127.0.0.1:${port}`, grpcAddress: `127.0.0.1:${grpcPort}`, pid: server.pid!, dataDir, stop: () => stopServer(server, STOP_SIGNAL) };
}

/** The events of case streams in a server's store (read while it runs: the store is in WAL mode). */
function caseEvents(dataDir: string): number {
  const events = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
  try {
    return (events.prepare(`SELECT COUNT(*) AS n FROM events WHERE stream_name LIKE 'case-%'`).get() as { n: number }).n;
  } finally {
    events.close();
  }
}

/** The events the run stored, those holding a sealed value, and the keys made for them. */
function storedOf(dataDir: string): EncryptionRun['stored'] {
  const events = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
  let stored: { events: number; sealed: number };
  try {
    stored = events
      .prepare(`SELECT COUNT(*) AS events, COALESCE(SUM(instr(data, '"sealed":{') > 0), 0) AS sealed FROM events WHERE stream_name LIKE 'case-%'`)
      .get() as typeof stored;
  } finally {
    events.close();
  }
  const keyFile = join(dataDir, 'keys.sqlite');
  if (!existsSync(keyFile)) return { ...stored, keys: 0, keyCases: 0 };
  const keys = new Database(keyFile, { readonly: true });
  try {
    const { n } = keys.prepare('SELECT COUNT(*) AS n FROM data_keys').get() as { n: number };
    const { cases } = keys.prepare('SELECT COUNT(*) AS cases FROM key_cases').get() as { cases: number };
    return { ...stored, keys: n, keyCases: cases };
  } finally {
    keys.close();
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** autocannon stops counting at the end of its duration; the requests it gave up on are still being answered. */
const AFTER_AUTOCANNON_MS = 1_000;

function logResult(r: LoadResult): void {
  console.error(
    `  ${r.label}: ${formatNumber(r.perSecond)}/s (${r.ok} accepted, ${r.refused} other answers, ${r.errors} errors), p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms; ` +
      `server CPU ${cpuText(r)} µs a message, client CPU ${r.clientCpu ?? '–'} %${r.notes ? `; ${r.notes}` : ''}`,
  );
}

/** One measured run of the `connections`-client load on a fresh server and DATA_DIR, then what it stored. */
async function encryptionRun(encryption: Encryption, index: number): Promise<EncryptionRun> {
  const server = await serverOn(encryption);
  try {
    await load('warm-up', `${server.base}/v1/messages`, { connections, duration: 3 });
    const result = await load(`POST /v1/messages, ${connections} clients, encryption ${encryption} (run ${index})`, `${server.base}/v1/messages`, {
      connections,
      duration,
      pid: server.pid,
    });
    await pause(AFTER_AUTOCANNON_MS);
    await server.stop();
    const run: EncryptionRun = { ...result, encryption, stored: storedOf(server.dataDir) };
    logResult(run);
    console.error(
      `    stored ${run.stored.events} events, ${run.stored.sealed} with sealed values, ${run.stored.keys} data keys of ${run.stored.keyCases} cases`,
    );
    return run;
  } finally {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}

interface MainResults {
  readonly pairs: Array<{ bare: LoadResult; single: LoadResult }>;
  readonly fastify: LoadResult;
  readonly batch: LoadResult;
  readonly stream: LoadResult;
  readonly soak?: LoadResult;
  readonly memory: MemorySample[];
  readonly checks: StoreCheck[];
}

/** Phase 2: every path on one server with encryption on. */
async function mainServer(step: (text: string) => void): Promise<MainResults> {
  const server = await serverOn('on');
  const { base, pid, dataDir } = server;
  const checks: StoreCheck[] = [];
  /** Runs a storing load and checks what the store gained against what it accepted. */
  const storing = async (run: () => Promise<LoadResult>, slack: number, settleMs: number): Promise<LoadResult> => {
    const before = caseEvents(dataDir);
    const result = await run();
    if (settleMs > 0) await pause(settleMs);
    checks.push({ label: result.label, accepted: result.ok, stored: caseEvents(dataDir) - before, slack });
    logResult(result);
    return result;
  };
  try {
    step(`warm-up: 3 s bare route, 3 s POST /v1/messages, 2 s of batches, 2 s of a gRPC stream…`);
    await load('warm-up', `${base}/bench/bare`, { connections, duration: 3 });
    await load('warm-up', `${base}/v1/messages`, { connections, duration: 3 });
    await ndjsonBatches('warm-up', base, { clients: batchClients, size: batchSize, seconds: 2 });
    await grpcStream('warm-up', server.grpcAddress, { seconds: 2, window: grpcWindow, frame: grpcFrame });
    await pause(AFTER_AUTOCANNON_MS);

    step(`${rounds} round(s) of the bare route and POST /v1/messages (alternating order), ${connections} clients, ${duration} s each…`);
    const pairs: MainResults['pairs'] = [];
    for (let r = 0; r < rounds; r += 1) {
      const bareRun = async () => {
        const result = await load(`bare route (Nest + guard), ${connections} clients (round ${r + 1})`, `${base}/bench/bare`, { connections, duration, pid });
        logResult(result);
        return result;
      };
      const singleRun = () =>
        storing(
          () => load(`POST /v1/messages, ${connections} clients (round ${r + 1})`, `${base}/v1/messages`, { connections, duration, pid }),
          connections,
          AFTER_AUTOCANNON_MS,
        );
      if (r % 2 === 0) {
        const bare = await bareRun();
        pairs.push({ bare, single: await singleRun() });
      } else {
        const single = await singleRun();
        pairs.push({ bare: await bareRun(), single });
      }
    }

    step(`Fastify route without Nest, ${connections} clients, ${duration} s…`);
    const fastify = await load(`Fastify route without Nest, ${connections} clients`, `${base}/bench/fastify`, { connections, duration, pid });
    logResult(fastify);

    step(`${batchClients} clients posting NDJSON batches of ${batchSize} to POST /v1/messages:batch for ${duration} s…`);
    const batch = await storing(
      () =>
        ndjsonBatches(`POST /v1/messages:batch, ${batchClients} clients × ${batchSize} a batch`, base, {
          clients: batchClients,
          size: batchSize,
          seconds: duration,
          pid,
        }),
      0,
      0,
    );

    step(`one gRPC SubmitMessages stream, ${grpcFrame} a frame, window ${grpcWindow}, for ${duration} s…`);
    const stream = await storing(
      () =>
        grpcStream(`gRPC SubmitMessages, 1 stream, ${grpcFrame} a frame, window ${grpcWindow}`, server.grpcAddress, {
          seconds: duration,
          window: grpcWindow,
          frame: grpcFrame,
          pid,
        }),
      0,
      0,
    );

    const memory: MemorySample[] = [];
    let soakResult: LoadResult | undefined;
    if (soak > 0) {
      const every = Math.min(10, Math.max(1, soak / 10));
      step(`${rate} messages/s offered for ${soak} s on POST /v1/messages, sampling the RSS of the server and its children every ${every} s…`);
      const started = Date.now();
      const sample = () => memory.push({ at: (Date.now() - started) / 1000, ...treeRssMiB(pid) });
      sample();
      const sampler = setInterval(sample, every * 1000);
      soakResult = await storing(
        async () => {
          const result = await load(`POST /v1/messages at ${rate}/s offered, ${soak} s`, `${base}/v1/messages`, {
            connections,
            duration: soak,
            overallRate: rate,
            pid,
          });
          clearInterval(sampler);
          if (Date.now() - started - memory[memory.length - 1].at * 1000 > 500) sample();
          return result;
        },
        connections,
        AFTER_AUTOCANNON_MS,
      );
    }
    const total = caseEvents(dataDir);
    console.error(`  the server's store holds ${total} case events in all (warm-ups included)`);
    return { pairs, fastify, batch, stream, soak: soakResult, memory, checks };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Report

function printEncryption(runs: EncryptionRun[]): void {
  const on = runs.filter((run) => run.encryption === 'on');
  const off = runs.filter((run) => run.encryption === 'off');
  console.log(`\n### Encryption on / off (${encryptionRounds} round(s), a fresh server each)\n`);
  console.log('| load | per second | 2xx | non-2xx | errors | p50 ms | p99 ms | max ms | server CPU µs a message (main + background) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of runs) console.log(`| ${r.label} | ${r.perSecond} | ${r.ok} | ${r.refused} | ${r.errors} | ${r.p50} | ${r.p99} | ${r.max} | ${cpuText(r)} |`);
  console.log(
    `\n| encryption on / off, ${connections} clients, ${duration} s | off, mean | on, mean | on / off, of the means | on / off, each round (median) | target |`,
  );
  console.log('| --- | ---: | ---: | ---: | --- | --- |');
  const row = (what: string, value: (run: EncryptionRun) => number, target?: (ratio: number) => string) => {
    const byRound: number[] = [];
    for (let r = 0; r + 1 < runs.length; r += 2) {
      const pair = [runs[r], runs[r + 1]];
      byRound.push(value(pair.find((run) => run.encryption === 'on')!) / value(pair.find((run) => run.encryption === 'off')!));
    }
    const ratioOfMeans = mean(on.map(value)) / mean(off.map(value));
    const verdict = target && byRound.length > 0 ? target(median(byRound)) : '–';
    console.log(
      `| ${what} | ${round(mean(off.map(value)), 1)} | ${round(mean(on.map(value)), 1)} | ${ratioOfMeans.toFixed(3)} | ${byRound.map((x) => x.toFixed(3)).join(', ')}${byRound.length > 0 ? ` (**${median(byRound).toFixed(3)}**)` : ''} | ${verdict} |`,
    );
  };
  row(
    'accepted messages/s',
    (r) => r.perSecond,
    (ratio) => `≥ ${ENCRYPTION_RATIO_TARGET}: ${ratio >= ENCRYPTION_RATIO_TARGET ? 'met' : '**not met**'} (median of rounds)`,
  );
  row('p50 ms', (r) => r.p50);
  row('p99 ms', (r) => r.p99);
  row('server CPU µs a message', (r) => cpuTotal(r)!);
  console.log(
    `\nstored by each run (events / with sealed values / data keys / key cases): ${runs.map((r, i) => `${i + 1}. ${r.encryption} ${r.stored.events} / ${r.stored.sealed} / ${r.stored.keys} / ${r.stored.keyCases}`).join('; ')}`,
  );
}

function memoryVerdict(memory: MemorySample[]): { text: string; met: boolean } | undefined {
  if (memory.length < 2) return undefined;
  const first = memory[0];
  const last = memory[memory.length - 1];
  const max = memory.reduce((top, sample) => (sample.total > top.total ? sample : top), first);
  const half = memory.reduce((best, sample) => (Math.abs(sample.at - last.at / 2) < Math.abs(best.at - last.at / 2) ? sample : best), first);
  const secondHalf = last.total - half.total;
  const met = secondHalf <= RSS_GROWTH_TARGET * half.total;
  const processes = (sample: MemorySample) => sample.each.map((member) => `${round(member.mib)}`).join(' + ');
  return {
    met,
    text:
      `first ${round(first.total)} MiB (${processes(first)}), last ${round(last.total)} MiB (${processes(last)}), max ${round(max.total)} MiB at ${Math.round(max.at)} s; ` +
      `growth ${round(last.total - first.total)} MiB (${round(((last.total - first.total) / first.total) * 100)} %), ` +
      `over the second half (${Math.round(half.at)} s → ${Math.round(last.at)} s) ${round(secondHalf)} MiB (${round((secondHalf / half.total) * 100)} %)`,
  };
}

async function main() {
  const startedAt = performance.now();
  let stepNumber = 0;
  const steps = (encryptionRounds > 0 ? 1 : 0) + 5 + (soak > 0 ? 1 : 0) + 1;
  const step = (text: string) => console.error(`${++stepNumber}/${steps} ${text}`);
  console.error(`machine: ${machine()}`);
  const loadBefore = loadavg();

  const runs: EncryptionRun[] = [];
  if (encryptionRounds > 0) {
    const order: Encryption[] = Array.from({ length: encryptionRounds }, (_, r) => (r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const))).flat();
    step(
      `${encryptionRounds} round(s) of encryption off/on, ${connections} clients, 3 s warm-up + ${duration} s on POST /v1/messages, each on a fresh server: ${order.join(', ')}…`,
    );
    for (const [index, encryption] of order.entries()) runs.push(await encryptionRun(encryption, index + 1));
  }

  const main = await mainServer(step);

  step(`raw appends for ${duration} s…`);
  const raw = await rawAppends(duration, connections);
  logResult(raw);

  // ------------------------------------------------------------------------------------------------- the summary
  const tookSeconds = round((performance.now() - startedAt) / 1000);
  const loadAverage = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ');
  console.log(`\n## bench:ingest\n\nmachine: ${machine()}; load average before ${loadAverage(loadBefore)}, after ${loadAverage(loadavg())}`);
  console.log(
    `bench:ingest took ${tookSeconds} s (--duration ${duration} --connections ${connections} --rounds ${rounds} --batch-clients ${batchClients} --batch-size ${batchSize} --grpc-window ${grpcWindow} --grpc-frame ${grpcFrame} --rate ${rate} --soak ${soak} --encryption-rounds ${encryptionRounds})`,
  );
  if (runs.length > 0) printEncryption(runs);

  const all = [...main.pairs.flatMap((pair) => [pair.bare, pair.single]), main.fastify, main.batch, main.stream, ...(main.soak ? [main.soak] : []), raw];
  console.log('\n### Every load (one server, encryption on; raw appends in this process)\n');
  console.log(
    '| load | per second | accepted | other answers | errors | p50 ms | p99 ms | max ms | server CPU µs a message (main + background) | client CPU % of a core |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of all)
    console.log(
      `| ${r.label} | ${r.perSecond} | ${r.ok} | ${r.refused} | ${r.errors} | ${r.p50} | ${r.p99} | ${r.max} | ${cpuText(r)} | ${r.clientCpu ?? '–'} |`,
    );
  for (const r of all) if (r.notes) console.log(`- ${r.label}: ${r.notes}`);

  const roundRatios = main.pairs.map((pair) => pair.single.perSecond / pair.bare.perSecond);
  const singleRatio = median(roundRatios);
  const medianOf = (pick: (pair: MainResults['pairs'][number]) => number) => median(main.pairs.map(pick));
  const single = { perSecond: medianOf((p) => p.single.perSecond), p50: medianOf((p) => p.single.p50), p99: medianOf((p) => p.single.p99) };
  const bare = { perSecond: medianOf((p) => p.bare.perSecond), p50: medianOf((p) => p.bare.p50), p99: medianOf((p) => p.bare.p99) };
  const toRaw = (perSecond: number) => (perSecond / raw.perSecond).toFixed(3);
  const verdict = (met: boolean) => (met ? 'met' : '**not met**');
  const medianNote = main.pairs.length > 1 ? ` (medians of ${main.pairs.length} rounds)` : '';

  console.log(`\n### Summary\n`);
  console.log('| path | messages/s | p50 ms | p99 ms | ceiling | ratio to its ceiling | ratio to raw store | target | verdict |');
  console.log('| --- | ---: | ---: | ---: | --- | ---: | ---: | --- | --- |');
  console.log(
    `| 1. single POST /v1/messages, ${connections} clients${medianNote} | ${formatNumber(single.perSecond)} | ${single.p50} | ${single.p99} | bare route | ` +
      `${roundRatios.map((x) => x.toFixed(3)).join(', ')}${roundRatios.length > 1 ? ` (**${singleRatio.toFixed(3)}**)` : ''} | ${toRaw(single.perSecond)} | ≥ ${SINGLE_TO_BARE_TARGET} × bare route | ${verdict(singleRatio >= SINGLE_TO_BARE_TARGET)} |`,
  );
  console.log(
    `| bare route (Nest + guard, no store)${medianNote} | ${formatNumber(bare.perSecond)} | ${bare.p50} | ${bare.p99} | – | – | ${toRaw(bare.perSecond)} | (ceiling of 1) | – |`,
  );
  console.log(
    `| Fastify route without Nest | ${formatNumber(main.fastify.perSecond)} | ${main.fastify.p50} | ${main.fastify.p99} | – | – | ${toRaw(main.fastify.perSecond)} | – | – |`,
  );
  console.log(
    `| 2. NDJSON batches, ${batchClients} clients × ${batchSize} (latency of a batch) | ${formatNumber(main.batch.perSecond)} | ${main.batch.p50} | ${main.batch.p99} | raw store | ${toRaw(main.batch.perSecond)} | ${toRaw(main.batch.perSecond)} | ≥ ${formatNumber(BULK_TARGET)}/s | ${verdict(main.batch.perSecond >= BULK_TARGET)} |`,
  );
  console.log(
    `| 3. gRPC stream, ${grpcFrame} a frame, window ${grpcWindow} (latency of a message) | ${formatNumber(main.stream.perSecond)} | ${main.stream.p50} | ${main.stream.p99} | raw store | ${toRaw(main.stream.perSecond)} | ${toRaw(main.stream.perSecond)} | ≥ ${formatNumber(BULK_TARGET)}/s | ${verdict(main.stream.perSecond >= BULK_TARGET)} |`,
  );
  console.log(
    `| 4. raw SQLite appends, ${connections} concurrent (latency of an append) | ${formatNumber(raw.perSecond)} | ${raw.p50} | ${raw.p99} | – | – | 1.000 | (ceiling of 2, 3) | – |`,
  );
  const rss = memoryVerdict(main.memory);
  if (main.soak) {
    console.log(
      `| 5. soak: POST /v1/messages at ${rate}/s offered, ${soak} s | ${formatNumber(main.soak.perSecond)} | ${main.soak.p50} | ${main.soak.p99} | offered rate | ${(main.soak.perSecond / rate).toFixed(3)} | ${toRaw(main.soak.perSecond)} | RSS flat (≤ ${RSS_GROWTH_TARGET * 100} % over the 2nd half) | ${rss ? verdict(rss.met) : '–'} |`,
    );
  }
  if (rss) console.log(`\nRSS of the server + its children during the soak (MiB; ${main.memory[0].each.length} process(es)): ${rss.text}`);
  if (main.memory.length > 0) console.log(`samples: ${main.memory.map((sample) => `${Math.round(sample.at)} s ${round(sample.total)}`).join(', ')}`);

  console.log('\nstore read back (case events gained during each load vs messages accepted):');
  let storeOk = true;
  for (const check of main.checks) {
    const extra = check.stored - check.accepted;
    const ok = check.slack === 0 ? extra === 0 : extra >= 0 && extra <= check.slack;
    storeOk &&= ok;
    console.log(
      `- ${check.label}: stored ${check.stored}, accepted ${check.accepted}` +
        (check.slack === 0
          ? ` → ${ok ? 'equal' : `**${extra > 0 ? extra + ' more stored' : -extra + ' fewer stored'}**`}`
          : ` → ${extra} more stored (requests in flight when autocannon stopped, at most ${check.slack}): ${ok ? 'ok' : '**not ok**'}`),
    );
  }
  console.log(storeOk ? 'store check: ok' : 'store check: **FAILED**');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
