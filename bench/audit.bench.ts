/**
 * npm run bench:audit [-- --duration 15 --connections 64 --rounds 3 --backlog 50000 --cases 5000 --entries 1000000 --seed-batch 1000
 *                        --skip ingest,feed,verify]
 *
 * What the audit log costs, in one run, against the embedded exchange (`node dist/apps/exchange/src/main.js`,
 * run `npm run build` first) in its own process, each run on a fresh DATA_DIR:
 * 1. Ingest: realistic case.opened messages POSTed to /v1/messages by `--connections` keep-alive clients for
 *    `--duration` s (after a 3 s warm-up), as bench:ingest does, with AUDIT_LOG=off and AUDIT_LOG=on
 *    (a `collect` entry per message, group-committed, plus the dispatcher's `disclose` entries).
 * 2. Feed: a backlog of `--backlog` deliveries recorded straight into the ledger (with their `disclose`
 *    entries when the log is on, as the dispatcher writes them), realistic 4.9 KB case.opened payloads
 *    spread at random over `--cases` cases (a party's feed interleaves many cases; `--cases 0`: one new case
 *    per delivery, in order, as bench:feed records it), drained by one SSE reader
 *    (/v1/feed?limit=1000, a `consult` entry per batch), then by one client reading JSON pages
 *    (/v1/feed?limit=500, a `consult` entry per page), off and on.
 * 3. Verify: an audit log of `--entries` realistic entries (collect, disclose to 2–4 recipients, consult of
 *    1–5 cases; Purpose / On-Behalf-Of) appended straight through SqliteAuditLog.append, `--seed-batch` records an
 *    append (1,000: one signed checkpoint per 1,000 entries, as AUDIT_CHECKPOINT_ENTRIES' default gives); then the
 *    real `npm run audit:verify` is timed, then verifyAuditLog in this process, with what reading the chain
 *    alone and reading + hashing take.
 * Parts 1 and 2 alternate off and on (`--rounds 3`: off, on | on, off | off, on) so that a drift of this shared
 * machine's speed weighs on both alike; each round's on/off ratio is reported, and their median, besides the
 * ratio of the means. Beside throughput, the server's CPU time (user + system, all its threads, from
 * /proc/<pid>/stat) per message or delivery: what the log costs in work, less disturbed by other jobs on the
 * machine than throughput is (time blocked in fsync is not CPU time, though). Only loopback traffic;
 * temporary directories are removed.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import {
  auditSigner,
  entryHash,
  GENESIS_HASH,
  readOrCreateSigningKey,
  readSigningKey,
  SqliteAuditLog,
  trustedKeysOf,
  verifyAuditLog,
  type AuditRecord,
  type CheckpointPolicy,
} from '@cmx/audit';
import { timelineEntryOf } from '@cmx/case-domain';
import { realisticCaseOpened } from '@cmx/contracts/testing';
import { Delivery, SqliteDeliveryLedger } from '@cmx/delivery';
import { disclosuresOf } from '../apps/dispatcher/src/dispatch-events/disclosures-of';
import { freePort } from '../test/support/free-port';
import { argument, machine, round, rssMiB, sseIdCounter } from './support';

const duration = argument('duration', 15);
const connections = argument('connections', 64);
const rounds = argument('rounds', 3);
const backlog = argument('backlog', 50_000);
const backlogCases = numberArgument('cases', 5_000);
const entries = argument('entries', 1_000_000);
const seedBatch = argument('seed-batch', 1_000);
const skipped = new Set((stringArgument('skip') ?? '').split(',').filter(Boolean));

const ROOT = join(__dirname, '..');
/** BENCH_EXCHANGE_MAIN: another build's main (a patched copy of dist/, to compare a change). */
const EXCHANGE_MAIN = process.env.BENCH_EXCHANGE_MAIN || join(ROOT, 'dist/apps/exchange/src/main.js');
const SENDER_KEY = 'demo-ncb-it';
const READER = 'NCB-GR';
const READER_KEY = 'demo-ncb-gr';
const RECORD_BATCH = 1_000;
const SSE_PAGE = 1_000;
const JSON_PAGE = 500;
/** What a caller sends along, on both runs alike (the `on` run keeps it in each entry). */
const ACCOUNTABILITY = {
  purpose: 'Investigation OP-HYDRA-2026: smuggling network on the Central Mediterranean route',
  'on-behalf-of': 'officer 4711, SCO Roma',
};
type Mode = 'off' | 'on';

/** Like argument(), but 0 is allowed. */
function numberArgument(name: string, fallback: number): number {
  const raw = stringArgument(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} needs a whole number ≥ 0`);
  return value;
}

function stringArgument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

/** off, on, on, off, off, on…: each mode as often, early and late alike. */
function schedule(): Mode[] {
  const order: Mode[] = [];
  for (let r = 0; r < rounds; r++) order.push(...(r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)));
  return order;
}

const log = (line: string) => console.error(`[bench:audit ${new Date().toISOString().slice(11, 19)}] ${line}`);
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const thousands = (value: number) => Math.round(value).toLocaleString('en-US');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** USER_HZ, the unit of /proc/<pid>/stat times: 100 on Linux. */
const CLOCK_TICKS = 100;

/** CPU time (user + system, every thread) a process has used, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

// ---------------------------------------------------------------------------------------------------------------
// What an interrupted run leaves behind: its exchange processes and temporary directories, removed on Ctrl-C too.

/** Each with the signal that ends it at once (npm passes SIGTERM on to audit:verify). */
const liveChildren = new Map<ChildProcess, NodeJS.Signals>();
const liveDirs = new Set<string>();

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  liveDirs.add(dir);
  return dir;
}

function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  liveDirs.delete(dir);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const [child, signal] of liveChildren) child.kill(signal);
    for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The exchange process

interface Exchange {
  readonly process: ChildProcess;
  readonly port: number;
  readonly dataDir: string;
}

/** The built all-in-one exchange in its own process; resolves once it is listening. */
async function startExchange(dataDir: string, mode: Mode): Promise<Exchange> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), EXCHANGE_MAIN], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', AUDIT_LOG: mode, FEED_HEARTBEAT_MS: '1000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  liveChildren.set(child, 'SIGKILL');
  child.once('exit', () => liveChildren.delete(child));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening on')) {
        child.stdout!.off('data', onData);
        child.stdout!.resume(); // keep draining its log, unread
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) => reject(new Error(`the exchange exited with ${code} before listening:\n${output}`));
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
  return { process: child, port, dataDir };
}

async function stopExchange(exchange: Exchange): Promise<void> {
  const { process: child } = exchange;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Verifies the chain a run left (in this process, after its exchange stopped) and counts its entries by operation. */
async function auditOf(dataDir: string): Promise<{ entries: number; byOperation: string; checkpoints: number; seconds: number }> {
  const file = join(dataDir, 'deliveries.sqlite');
  const raw = new Database(file, { readonly: true });
  const counts = raw.prepare('SELECT operation, count(*) AS n FROM audit_entries GROUP BY operation ORDER BY operation').all() as {
    operation: string;
    n: number;
  }[];
  raw.close();
  const signingKey = readSigningKey(join(dataDir, 'audit-signing-key.pem'));
  const auditLog = SqliteAuditLog.open(file, throwawayPolicy());
  try {
    const started = performance.now();
    const result = await verifyAuditLog(auditLog, trustedKeysOf([createPublicKey(signingKey)]));
    if (!result.ok) throw new Error(`the audit log of ${dataDir} does not verify: ${result.what} ${result.seq} ${result.reason}`);
    return {
      entries: result.entries,
      byOperation: counts.map((c) => `${c.operation} ${thousands(c.n)}`).join(', '),
      checkpoints: result.checkpoints,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await auditLog.close();
  }
}

/** A policy whose key signs nothing that is kept: for opening a log only to read it. */
const throwawayPolicy = (): CheckpointPolicy => ({
  signer: auditSigner(generateKeyPairSync('ed25519').privateKey),
  everyEntries: 1_000,
  everyMs: 60_000,
});

// ---------------------------------------------------------------------------------------------------------------
// 1. Ingest

let caseCounter = 0;
function nextMessageBody(): string {
  caseCounter += 1;
  const caseId = `IT-2026-${String(caseCounter).padStart(9, '0')}`;
  return JSON.stringify(realisticCaseOpened(caseId, randomUUID(), 'NCB-IT', new Date()));
}

interface IngestRun {
  readonly mode: Mode;
  readonly perSecond: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly p50: number;
  readonly p99: number;
  readonly rss: number;
  /** Server CPU time per accepted message, µs. */
  readonly cpuPerMessage: number;
  readonly audit?: Awaited<ReturnType<typeof auditOf>>;
}

async function post(url: string, seconds: number) {
  return autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${SENDER_KEY}`, 'content-type': 'application/json', ...ACCOUNTABILITY },
    requests: [{ setupRequest: (request) => ({ ...request, body: nextMessageBody() }) }],
  });
}

async function ingestRun(mode: Mode): Promise<IngestRun> {
  const dataDir = tempDir(`cmx-bench-audit-ingest-${mode}-`);
  try {
    const exchange = await startExchange(dataDir, mode);
    let result: Awaited<ReturnType<typeof post>>;
    let rss: number;
    let cpu: number;
    try {
      await post(`http://127.0.0.1:${exchange.port}/v1/messages`, 3);
      const cpuBefore = cpuMs(exchange.process.pid!);
      result = await post(`http://127.0.0.1:${exchange.port}/v1/messages`, duration);
      cpu = cpuMs(exchange.process.pid!) - cpuBefore;
      rss = rssMiB(exchange.process.pid!);
    } finally {
      await stopExchange(exchange);
    }
    const run: IngestRun = {
      mode,
      perSecond: result['2xx'] / duration,
      ok: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      p50: result.latency.p50,
      p99: result.latency.p99,
      rss,
      cpuPerMessage: (cpu * 1000) / Math.max(1, result['2xx']),
      audit: mode === 'on' ? await auditOf(dataDir) : undefined,
    };
    log(
      `  AUDIT_LOG=${mode}: ${Math.round(run.perSecond)} messages/s (${run.ok} 2xx, ${run.non2xx} non-2xx, ${run.errors} errors), p50 ${run.p50} ms, p99 ${run.p99} ms, server CPU ${Math.round(run.cpuPerMessage)} µs a message` +
        (run.audit ? `; log: ${thousands(run.audit.entries)} entries (${run.audit.byOperation}), verified` : ''),
    );
    return run;
  } finally {
    removeDir(dataDir);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Feed

/** The backlog, as the dispatcher records it: with each batch's disclosures in its transaction when the log is on. */
async function recordBacklog(dataDir: string, mode: Mode): Promise<string> {
  const policy: CheckpointPolicy | undefined =
    mode === 'on'
      ? { signer: auditSigner(readOrCreateSigningKey(join(dataDir, 'audit-signing-key.pem')).key), everyEntries: 1_000, everyMs: 60_000 }
      : undefined;
  const ledger = SqliteDeliveryLedger.open(join(dataDir, 'deliveries.sqlite'), policy);
  const now = new Date();
  const random = prng(4711);
  let position = 0;
  for (let done = 0; done < backlog; done += RECORD_BATCH) {
    const deliveries: Delivery[] = [];
    for (let n = 0; n < Math.min(RECORD_BATCH, backlog - done); n++) {
      position += 1;
      const caseNumber = backlogCases > 0 ? 1 + Math.floor(random() * backlogCases) : position;
      const caseId = `IT-2026-${String(caseNumber).padStart(9, '0')}`;
      const message = realisticCaseOpened(caseId, randomUUID(), 'NCB-IT', now);
      const entry = timelineEntryOf({ message, receivedAt: now.toISOString(), entitledParties: ['NCB-IT', READER] }, 1);
      deliveries.push({ party: READER, payload: { caseId, position: String(position), ...entry } });
    }
    await ledger.record({
      deliveries,
      channel: 'feed',
      deliveredAt: now.toISOString(),
      checkpoint: String(position),
      disclosures: policy ? disclosuresOf(deliveries, 'feed') : undefined,
    });
  }
  await ledger.close();
  return String(position);
}

/** One SSE reader from the first cursor until it has read `last` (or beyond): the number of deliveries read. */
function drainSse(port: number, last: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const request = http.get(
      {
        host: '127.0.0.1',
        port,
        path: `/v1/feed?limit=${SSE_PAGE}`,
        headers: { authorization: `Bearer ${READER_KEY}`, accept: 'text/event-stream', ...ACCOUNTABILITY },
        agent: false,
      },
      (response) => {
        if (response.statusCode !== 200) return reject(new Error(`GET /v1/feed (SSE) answered ${response.statusCode}`));
        let read = 0;
        response.setEncoding('utf8');
        response.on(
          'data',
          sseIdCounter((count, lastId) => {
            read = count;
            if (Number(lastId) < Number(last)) return;
            resolve(count);
            request.destroy();
          }),
        );
        response.on('error', () => undefined);
        response.on('end', () => reject(new Error(`the SSE stream ended after ${read} deliveries`)));
        return undefined;
      },
    );
    request.on('error', (error) => reject(error));
  });
}

/** One client reading JSON pages (keep-alive) from the first cursor to `last`: the number of deliveries and pages read. */
async function drainPages(port: number, last: string): Promise<{ deliveries: number; pages: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let after: string | undefined;
  let deliveries = 0;
  let pages = 0;
  try {
    while (after !== last) {
      const path = `/v1/feed?limit=${JSON_PAGE}${after === undefined ? '' : `&after=${after}`}`;
      const body = await new Promise<string>((resolve, reject) => {
        http
          .get(
            { host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${READER_KEY}`, accept: 'application/json', ...ACCOUNTABILITY }, agent },
            (response) => {
              const chunks: Buffer[] = [];
              response.on('data', (chunk: Buffer) => chunks.push(chunk));
              response.on('end', () =>
                response.statusCode === 200
                  ? resolve(Buffer.concat(chunks).toString('utf8'))
                  : reject(new Error(`GET ${path} answered ${response.statusCode}`)),
              );
              response.on('error', reject);
            },
          )
          .on('error', reject);
      });
      // The client's work kept small (the server shares the two cores): the items counted, the cursor read from the end.
      const next = /"nextCursor":"(\d+)"\}$/.exec(body)?.[1];
      if (next === undefined || next === after) throw new Error(`page after ${after} has no new nextCursor`);
      deliveries += body.split('{"cursor":"').length - 1;
      pages += 1;
      after = next;
    }
  } finally {
    agent.destroy();
  }
  return { deliveries, pages };
}

interface FeedRun {
  readonly mode: Mode;
  readonly sse: { deliveries: number; seconds: number; perSecond: number; cpuPerDelivery: number };
  readonly pages: { deliveries: number; pages: number; seconds: number; perSecond: number; cpuPerDelivery: number };
  readonly rss: number;
  readonly audit?: Awaited<ReturnType<typeof auditOf>>;
}

async function feedRun(mode: Mode): Promise<FeedRun> {
  const dataDir = tempDir(`cmx-bench-audit-feed-${mode}-`);
  try {
    const recordStarted = performance.now();
    const last = await recordBacklog(dataDir, mode);
    log(`  AUDIT_LOG=${mode}: ${thousands(backlog)} deliveries recorded in ${round((performance.now() - recordStarted) / 1000)} s`);
    const exchange = await startExchange(dataDir, mode);
    let sse: FeedRun['sse'];
    let pages: FeedRun['pages'];
    let rss: number;
    try {
      // Warm-up (the server's JIT, the reader's first pages): the first tenth of the backlog by SSE and by two JSON pages.
      await sleep(1_000);
      await drainSse(exchange.port, String(Math.max(1, Math.floor(backlog / 10))));
      await drainPages(exchange.port, String(Math.min(backlog, 2 * JSON_PAGE)));
      const pid = exchange.process.pid!;
      let cpuBefore = cpuMs(pid);
      let started = performance.now();
      const drained = await drainSse(exchange.port, last);
      let seconds = (performance.now() - started) / 1000;
      sse = { deliveries: drained, seconds, perSecond: drained / seconds, cpuPerDelivery: ((cpuMs(pid) - cpuBefore) * 1000) / drained };
      cpuBefore = cpuMs(pid);
      started = performance.now();
      const paged = await drainPages(exchange.port, last);
      seconds = (performance.now() - started) / 1000;
      pages = { ...paged, seconds, perSecond: paged.deliveries / seconds, cpuPerDelivery: ((cpuMs(pid) - cpuBefore) * 1000) / paged.deliveries };
      rss = rssMiB(exchange.process.pid!);
    } finally {
      await stopExchange(exchange);
    }
    if (sse.deliveries !== backlog || pages.deliveries !== backlog)
      throw new Error(`drained ${sse.deliveries} (SSE) and ${pages.deliveries} (pages) of ${backlog} deliveries`);
    const run: FeedRun = { mode, sse, pages, rss, audit: mode === 'on' ? await auditOf(dataDir) : undefined };
    log(
      `  AUDIT_LOG=${mode}: SSE ${Math.round(sse.perSecond)} deliveries/s (${round(sse.seconds, 2)} s, ${round(sse.cpuPerDelivery)} µs CPU a delivery); JSON pages ${Math.round(pages.perSecond)} deliveries/s (${pages.pages} pages, ${round(pages.seconds, 2)} s, ${round(pages.cpuPerDelivery)} µs CPU a delivery)` +
        (run.audit ? `; log: ${thousands(run.audit.entries)} entries (${run.audit.byOperation}), verified` : ''),
    );
    return run;
  } finally {
    removeDir(dataDir);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Verify

/** A small deterministic generator, so that every run seeds the same log. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PARTIES = (JSON.parse(readFileSync(join(ROOT, 'config/demo-parties.json'), 'utf8')) as { parties: { code: string }[] }).parties.map((p) => p.code);
const KEY_IDS = new Map(PARTIES.map((party) => [party, createHash('sha256').update(`key of ${party}`).digest('hex').slice(0, 16)]));
const PURPOSES = [
  'Investigation OP-HYDRA-2026: smuggling network on the Central Mediterranean route',
  'Joint investigation team JIT-MED-07: financial flows of the organisers (hawala, three stages)',
  'Identification of the persons on a rubber dinghy intercepted off Lampedusa on 2026-03-10',
  'Risk analysis, Western Balkans route, quarterly report Q4/2026',
  'Request for mutual legal assistance prepared by the public prosecutor of Palermo, file 4412/26',
  'Cross-check of forged travel documents (series X9000000) against national records',
];
const OFFICERS = [
  'officer 4711, SCO Roma',
  'Det. Insp. M. Rossi, Squadra Mobile Agrigento',
  'analyst 2291, Europol EMSC',
  'case officer 17, Hellenic Police',
  'desk officer ES-88, CGEF Madrid',
];
const COUNTRIES = ['IT', 'GR', 'ES', 'NE', 'DE', 'NL', 'BE', 'FR'];
const CASES = 50_000;

function realisticRecords(count: number, random: () => number): AuditRecord[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const caseId = () => {
    const n = Math.floor(random() * CASES);
    return `${COUNTRIES[n % COUNTRIES.length]}-2026-${String(n).padStart(9, '0')}`;
  };
  const caller = (party: string, share: number) => ({
    keyId: KEY_IDS.get(party)!,
    purpose: random() < share ? pick(PURPOSES) : null,
    onBehalfOf: random() < share ? pick(OFFICERS) : null,
    requestId: randomUUID(),
  });
  const records: AuditRecord[] = [];
  for (let i = 0; i < count; i++) {
    const kind = random();
    if (kind < 0.35) {
      const party = pick(PARTIES);
      records.push({
        operation: 'collect',
        party,
        ...caller(party, 0.7),
        channel: 'http',
        cases: [{ caseId: caseId(), messageIds: [randomUUID()] }],
        recipients: [],
      });
    } else if (kind < 0.7) {
      const party = pick(PARTIES);
      const recipients = new Set<string>();
      const wanted = 2 + Math.floor(random() * 3);
      while (recipients.size < wanted) recipients.add(pick(PARTIES.filter((p) => p !== party)));
      records.push({
        operation: 'disclose',
        party,
        keyId: null,
        onBehalfOf: null,
        purpose: null,
        channel: random() < 0.5 ? 'feed' : 'kafka',
        cases: [{ caseId: caseId(), messageIds: [randomUUID()] }],
        recipients: [...recipients],
        requestId: null,
      });
    } else {
      const party = pick(PARTIES);
      const channel = pick(['http', 'http', 'feed', 'sse'] as const);
      const caseCount = 1 + Math.floor(random() * 5);
      // A case read as a whole (summary, board) names no message; a timeline or feed read names 1–3.
      const wholeCase = channel === 'http' && random() < 0.5;
      const cases = Array.from({ length: caseCount }, () => ({
        caseId: caseId(),
        messageIds: wholeCase ? [] : Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomUUID()),
      }));
      records.push({ operation: 'consult', party, ...caller(party, 0.8), channel, cases, recipients: [] });
    }
  }
  return records;
}

interface VerifyRun {
  readonly entries: number;
  readonly seedSeconds: number;
  readonly fileMiB: number;
  readonly meanEntryBytes: number;
  readonly command: { wallSeconds: number; printedSeconds: number; line: string };
  readonly inProcess: { seconds: number; checkpoints: number };
  readonly readOnlySeconds: number;
  readonly readAndHashSeconds: number;
}

async function verifyRun(): Promise<VerifyRun> {
  const dataDir = tempDir('cmx-bench-audit-verify-');
  try {
    const keyFile = join(dataDir, 'audit-signing-key.pem');
    const signer = auditSigner(readOrCreateSigningKey(keyFile).key);
    const file = join(dataDir, 'deliveries.sqlite');
    const seedLog = SqliteAuditLog.open(file, { signer, everyEntries: 1_000, everyMs: 60_000 });
    const random = prng(20261122);
    const at = Date.parse('2026-11-01T08:00:00.000Z');
    const seedStarted = performance.now();
    let lastDrawn = seedStarted;
    for (let done = 0, batch = 0; done < entries; done += seedBatch, batch++) {
      // One append every 100 ms of exchange time.
      await seedLog.append(realisticRecords(Math.min(seedBatch, entries - done), random), new Date(at + batch * 100));
      if (performance.now() - lastDrawn > 10_000) {
        lastDrawn = performance.now();
        log(`  seeded ${thousands(done + seedBatch)} entries…`);
      }
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    await seedLog.close();
    const raw = new Database(file, { readonly: true });
    const meanEntryBytes = raw.prepare('SELECT avg(length(entry)) FROM audit_entries').pluck().get() as number;
    raw.close();
    const fileMiB = statSync(file).size / 2 ** 20;
    log(
      `  ${thousands(entries)} entries seeded in ${round(seedSeconds)} s (${round(fileMiB)} MiB, ${Math.round(meanEntryBytes)} bytes of canonical text an entry); npm run audit:verify…`,
    );

    // The real command, as an operator runs it.
    const commandStarted = performance.now();
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('npm', ['run', 'audit:verify'], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir, AUDIT_SIGNING_KEY_FILE: keyFile },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      liveChildren.set(child, 'SIGTERM');
      child.once('exit', () => liveChildren.delete(child));
      let stdout = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`npm run audit:verify exited with ${code}:\n${stdout}`))));
    });
    const wallSeconds = (performance.now() - commandStarted) / 1000;
    const line = output.split('\n').find((l) => l.startsWith('verified ')) ?? '';
    const printed = /; ([\d.]+) s\)$/.exec(line);
    if (!printed || !line.startsWith(`verified ${entries} entries`)) throw new Error(`unexpected audit:verify output:\n${output}`);
    log(`  ${line} — ${round(wallSeconds, 2)} s from the command's start to its exit`);

    const trusted = trustedKeysOf([signer.publicKey]);
    const readLog = SqliteAuditLog.open(file, throwawayPolicy());
    try {
      let started = performance.now();
      const result = await verifyAuditLog(readLog, trusted);
      const inProcessSeconds = (performance.now() - started) / 1000;
      if (!result.ok || result.entries !== entries) throw new Error(`verifyAuditLog: ${JSON.stringify(result)}`);
      log(`  verifyAuditLog in this process: ${round(inProcessSeconds, 2)} s, ${result.checkpoints} checkpoints`);

      // Where the time goes: reading the chain alone, then reading and hashing it.
      started = performance.now();
      for (let after = 0; ;) {
        const page = await readLog.readChain(after, 10_000);
        if (page.length === 0) break;
        after = page[page.length - 1].seq;
      }
      const readOnlySeconds = (performance.now() - started) / 1000;
      started = performance.now();
      let previous = GENESIS_HASH;
      for (let after = 0; ;) {
        const page = await readLog.readChain(after, 10_000);
        if (page.length === 0) break;
        for (const entry of page) {
          previous = entryHash(previous, entry.text);
          if (previous !== entry.hash) throw new Error(`entry ${entry.seq} does not hash`);
        }
        after = page[page.length - 1].seq;
      }
      const readAndHashSeconds = (performance.now() - started) / 1000;
      log(`  reading the chain alone: ${round(readOnlySeconds, 2)} s; reading and hashing: ${round(readAndHashSeconds, 2)} s`);
      return {
        entries,
        seedSeconds,
        fileMiB,
        meanEntryBytes,
        command: { wallSeconds, printedSeconds: Number(printed[1]), line },
        inProcess: { seconds: inProcessSeconds, checkpoints: result.checkpoints },
        readOnlySeconds,
        readAndHashSeconds,
      };
    } finally {
      await readLog.close();
    }
  } finally {
    removeDir(dataDir);
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!existsSync(EXCHANGE_MAIN)) throw new Error(`${EXCHANGE_MAIN} is missing: run npm run build first`);
  log(`machine: ${machine()}; exchange: ${EXCHANGE_MAIN}`);
  const startedAt = performance.now();

  const ingest: IngestRun[] = [];
  if (!skipped.has('ingest')) {
    log(`1/3 ingest: ${connections} clients, 3 s warm-up + ${duration} s on POST /v1/messages, runs ${schedule().join(', ')}…`);
    for (const mode of schedule()) ingest.push(await ingestRun(mode));
  }
  const feed: FeedRun[] = [];
  if (!skipped.has('feed')) {
    log(
      `2/3 feed: ${thousands(backlog)} deliveries (${backlogCases > 0 ? `over ${thousands(backlogCases)} cases` : 'one case each'}) drained by SSE (limit ${SSE_PAGE}) then JSON pages (limit ${JSON_PAGE}), runs ${schedule().join(', ')}…`,
    );
    for (const mode of schedule()) feed.push(await feedRun(mode));
  }
  let verify: VerifyRun | undefined;
  if (!skipped.has('verify')) {
    log(`3/3 verify: seeding ${thousands(entries)} entries (${thousands(seedBatch)} an append)…`);
    verify = await verifyRun();
  }

  const out: string[] = [];
  out.push('', `machine: ${machine()}`, `bench:audit took ${round((performance.now() - startedAt) / 1000)} s`, '');
  out.push(
    '| measure | AUDIT_LOG=off, mean | AUDIT_LOG=on, mean | on / off, of the means | on / off, each round (median) | target |',
    '| --- | ---: | ---: | ---: | --- | --- |',
  );
  /** A throughput (higher is better) or a cost (CPU per item: the ratio is the cost of the log) over the rounds. */
  const row = <T extends { mode: Mode }>(what: string, runs: readonly T[], value: (run: T) => number, target: string | undefined, digits = 0) => {
    const off = runs.filter((run) => run.mode === 'off').map(value);
    const on = runs.filter((run) => run.mode === 'on').map(value);
    const byRound: number[] = [];
    for (let r = 0; r + 1 < runs.length; r += 2) {
      const pair = [runs[r], runs[r + 1]];
      byRound.push(value(pair.find((run) => run.mode === 'on')!) / value(pair.find((run) => run.mode === 'off')!));
    }
    const roundMedian = median(byRound);
    const figure = (v: number) => (digits === 0 ? thousands(v) : String(round(v, digits)));
    const verdict = target === undefined ? '–' : `${target}: ${roundMedian >= 0.9 ? 'met' : '**not met**'} (median of rounds)`;
    out.push(
      `| ${what} | ${figure(mean(off))} | ${figure(mean(on))} | ${(mean(on) / mean(off)).toFixed(3)} | ${byRound.map((x) => x.toFixed(3)).join(', ')} (**${roundMedian.toFixed(3)}**) | ${verdict} |`,
    );
  };
  if (ingest.length > 0) {
    row(`ingest, POST /v1/messages, ${connections} clients, ${duration} s: messages/s`, ingest, (r) => r.perSecond, 'on ≥ 0.90 × off');
    row('ingest: server CPU µs a message', ingest, (r) => r.cpuPerMessage, undefined);
  }
  if (feed.length > 0) {
    const over = backlogCases > 0 ? `over ${thousands(backlogCases)} cases` : 'one case each';
    row(`feed, one SSE reader (limit ${SSE_PAGE}), ${thousands(backlog)} deliveries ${over}: deliveries/s`, feed, (r) => r.sse.perSecond, 'on ≥ 0.90 × off');
    row('feed, SSE: server CPU µs a delivery', feed, (r) => r.sse.cpuPerDelivery, undefined, 1);
    row(`feed, JSON pages (limit ${JSON_PAGE}), ${thousands(backlog)} deliveries ${over}: deliveries/s`, feed, (r) => r.pages.perSecond, 'on ≥ 0.90 × off');
    row('feed, JSON pages: server CPU µs a delivery', feed, (r) => r.pages.cpuPerDelivery, undefined, 1);
  }
  if (verify) {
    const { wallSeconds, printedSeconds } = verify.command;
    out.push(
      `| npm run audit:verify, ${thousands(verify.entries)} entries | – | ${round(wallSeconds, 2)} s start to exit, ${printedSeconds} s printed (${thousands(verify.entries / wallSeconds)} entries/s) | – | – | ≤ 10 s: ${wallSeconds <= 10 ? 'met' : '**not met**'} |`,
      `| verifyAuditLog in process, ${thousands(verify.entries)} entries | – | ${round(verify.inProcess.seconds, 2)} s (${thousands(verify.entries / verify.inProcess.seconds)} entries/s) | – | – | ≤ 10 s: ${verify.inProcess.seconds <= 10 ? 'met' : '**not met**'} |`,
    );
  }

  if (ingest.length > 0) {
    out.push(
      '',
      '| ingest run | messages/s | 2xx | non-2xx | errors | p50 ms | p99 ms | server CPU µs a message | server RSS MiB | audit log after the run |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    );
    ingest.forEach((r, i) =>
      out.push(
        `| ${i + 1}. AUDIT_LOG=${r.mode} | ${Math.round(r.perSecond)} | ${r.ok} | ${r.non2xx} | ${r.errors} | ${r.p50} | ${r.p99} | ${Math.round(r.cpuPerMessage)} | ${round(r.rss)} | ${r.audit ? `${thousands(r.audit.entries)} entries (${r.audit.byOperation}), ${r.audit.checkpoints} checkpoints, verified` : '–'} |`,
      ),
    );
  }
  if (feed.length > 0) {
    out.push(
      '',
      '| feed run | SSE deliveries/s | SSE s | SSE CPU µs a delivery | JSON pages deliveries/s | pages | pages s | pages CPU µs a delivery | server RSS MiB | audit log after the run |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    );
    feed.forEach((r, i) =>
      out.push(
        `| ${i + 1}. AUDIT_LOG=${r.mode} | ${Math.round(r.sse.perSecond)} | ${round(r.sse.seconds, 2)} | ${round(r.sse.cpuPerDelivery)} | ${Math.round(r.pages.perSecond)} | ${r.pages.pages} | ${round(r.pages.seconds, 2)} | ${round(r.pages.cpuPerDelivery)} | ${round(r.rss)} | ${r.audit ? `${thousands(r.audit.entries)} entries (${r.audit.byOperation}), verified` : '–'} |`,
      ),
    );
  }
  if (verify) {
    out.push(
      '',
      `verify: ${thousands(verify.entries)} entries seeded in ${round(verify.seedSeconds)} s (${thousands(verify.entries / verify.seedSeconds)}/s through SqliteAuditLog.append, ${thousands(seedBatch)} an append), ${round(verify.fileMiB)} MiB, ${Math.round(verify.meanEntryBytes)} bytes of canonical text an entry, ${verify.inProcess.checkpoints} signed checkpoints.`,
      `audit:verify printed: ${verify.command.line}`,
      `in this process: reading the chain alone ${round(verify.readOnlySeconds, 2)} s, reading + SHA-256 ${round(verify.readAndHashSeconds, 2)} s, verifyAuditLog ${round(verify.inProcess.seconds, 2)} s.`,
    );
  }
  console.log(out.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
