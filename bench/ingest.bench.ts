/**
 * npm run bench:ingest [-- --duration 20 --connections 64 --rounds 3 --rate 2000 --soak 120]
 *
 * Against the embedded exchange (SQLite, fsync on every commit) in its own process, each server on a fresh DATA_DIR:
 * 1. accepted messages/s and latency with N concurrent keep-alive clients posting realistic case.opened messages,
 *    with personal data sealed (the default: every person, held document, payment naming a person and free-text
 *    field under a per-(case, person) AES-256-GCM key from DATA_DIR/keys.sqlite) and with
 *    PERSONAL_DATA_ENCRYPTION=off, alternating in `--rounds` rounds (off, on | on, off | off, on …) so that a drift
 *    of this shared machine's speed weighs on both alike; each round's on/off ratio of throughput, p99 and server
 *    CPU a message is printed, with their median (the verdict) and the ratio of the means. After each run the
 *    store and the key store are read back: an `on` run's events hold sealed values, an `off` run's none;
 * 2. on a server with encryption on: the same load on a bare route of the same server (the framework's ceiling),
 *    and on a route registered on Fastify itself (the HTTP server's ceiling, without Nest);
 * 3. a fixed rate (default 2,000 messages/s) for the soak time (`--soak 0` skips it), encryption on, sampling the
 *    server's memory;
 * then, in this process, raw appends of the same events to a SQLite store (the store's ceiling).
 * BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") is passed to every server's node; the servers
 * are stopped with SIGUSR2 then, so that the profile is written.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { realisticCaseOpened } from '@cmx/contracts/testing';
import { SqliteEventStore } from '@cmx/event-store';
import { freePort } from '../test/support/free-port';
import { argument, countArgument, cpuMs, machine, mean, median, round, rssMiB, startServer, stopServer } from './support';

const duration = argument('duration', 20);
const connections = argument('connections', 64);
const rounds = argument('rounds', 3);
const rate = argument('rate', 2000);
const soak = countArgument('soak', 120);
const API_KEY = 'demo-ncb-it';
const RATIO_TARGET = 0.9;
/** A profiled server must exit through process.exit for node to write its --cpu-prof file. */
const STOP_SIGNAL: NodeJS.Signals = process.env.BENCH_SERVER_NODE_ARGS?.includes('--cpu-prof') ? 'SIGUSR2' : 'SIGTERM';
type Encryption = 'on' | 'off';

let caseCounter = 0;
function nextMessageBody(): string {
  caseCounter += 1;
  const caseId = `IT-2026-${String(caseCounter).padStart(9, '0')}`;
  return JSON.stringify(realisticCaseOpened(caseId, randomUUID(), 'NCB-IT', new Date()));
}

interface LoadResult {
  readonly label: string;
  readonly perSecond: number;
  readonly ok: number;
  readonly refused: number;
  readonly errors: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Server CPU time (user + system, all threads) per accepted message, µs; absent for loads in this process. */
  readonly cpuPerMessage?: number;
}

interface EncryptionRun extends LoadResult {
  readonly encryption: Encryption;
  /** What the run left: stored events, those holding sealed values, data keys made. */
  readonly stored: { events: number; sealed: number; keys: number; keyCases: number };
}

async function load(
  label: string,
  url: string,
  options: { connections: number; duration: number; overallRate?: number; pid?: number },
): Promise<LoadResult> {
  const cpuBefore = options.pid === undefined ? 0 : cpuMs(options.pid);
  const result = await autocannon({
    url,
    method: 'POST',
    connections: options.connections,
    duration: options.duration,
    overallRate: options.overallRate,
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: nextMessageBody() }) }],
  });
  const cpu = options.pid === undefined ? undefined : cpuMs(options.pid) - cpuBefore;
  return {
    label,
    perSecond: round(result['2xx'] / options.duration, 0),
    ok: result['2xx'],
    refused: result.non2xx,
    errors: result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    cpuPerMessage: cpu === undefined ? undefined : (cpu * 1000) / Math.max(1, result['2xx']),
  };
}

async function withServer<T>(encryption: Encryption, use: (base: string, pid: number) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), `cmx-bench-ingest-${encryption}-`));
  const port = await freePort();
  const server = await startServer('bench-server.ts', { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PERSONAL_DATA_ENCRYPTION: encryption });
  try {
    return await use(`http://127.0.0.1:${port}`, server.pid!);
  } finally {
    await stopServer(server, STOP_SIGNAL);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One measured run of the 64-client load on a fresh server and DATA_DIR, then what it stored. */
async function encryptionRun(encryption: Encryption, index: number): Promise<EncryptionRun> {
  const dataDir = mkdtempSync(join(tmpdir(), `cmx-bench-ingest-${encryption}-`));
  const port = await freePort();
  const server = await startServer('bench-server.ts', { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PERSONAL_DATA_ENCRYPTION: encryption });
  const base = `http://127.0.0.1:${port}`;
  try {
    await load('warm-up', `${base}/v1/messages`, { connections, duration: 3 });
    const result = await load(`POST /v1/messages, ${connections} clients, encryption ${encryption} (run ${index})`, `${base}/v1/messages`, { connections, duration, pid: server.pid! });
    // Requests autocannon gave up on at the end are still being answered: let them finish before the stores close.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await stopServer(server, STOP_SIGNAL);
    const run: EncryptionRun = { ...result, encryption, stored: storedOf(dataDir) };
    console.error(
      `  run ${index}, encryption ${encryption}: ${run.perSecond} messages/s (${run.ok} 2xx, ${run.refused} non-2xx, ${run.errors} errors), p50 ${run.p50} ms, p99 ${run.p99} ms, ` +
        `server CPU ${Math.round(run.cpuPerMessage!)} µs a message; stored ${run.stored.events} events, ${run.stored.sealed} with sealed values, ${run.stored.keys} data keys of ${run.stored.keyCases} cases`,
    );
    return run;
  } finally {
    await stopServer(server, STOP_SIGNAL);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The events the run stored, those holding a sealed value, and the keys made for them. */
function storedOf(dataDir: string): EncryptionRun['stored'] {
  const events = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
  let stored: { events: number; sealed: number };
  try {
    stored = events.prepare(`SELECT COUNT(*) AS events, COALESCE(SUM(instr(data, '"sealed":{') > 0), 0) AS sealed FROM events WHERE stream_name LIKE 'case-%'`).get() as typeof stored;
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
        [{ id: message.header.messageId, type: 'CaseOpened', data: { message, receivedAt: new Date().toISOString(), entitledParties: ['EUROPOL', 'NCB-IT'] }, metadata: { messageId: message.header.messageId, caseId, sender: 'NCB-IT' } }],
        0,
      );
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, writer));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const at = (q: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))], 2);
  return { label: `raw SQLite appends (${concurrency} concurrent)`, perSecond: round(latencies.length / seconds, 0), ok: latencies.length, refused: 0, errors: 0, p50: at(0.5), p99: at(0.99), max: at(1) };
}

async function main() {
  const startedAt = performance.now();
  const runs: EncryptionRun[] = [];
  const results: LoadResult[] = [];
  const memory: string[] = [];
  console.error(`machine: ${machine()}`);
  const order: Encryption[] = Array.from({ length: rounds }, (_, r) => (r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const))).flat();
  console.error(`1/4 ${rounds} round(s) of ${connections} clients, 3 s warm-up + ${duration} s on POST /v1/messages, each on a fresh server: ${order.join(', ')}…`);
  for (const [index, encryption] of order.entries()) runs.push(await encryptionRun(encryption, index + 1));

  await withServer('on', async (base, pid) => {
    console.error(`2/4 ${connections} clients, ${duration} s on the bare route, then on the Fastify route (encryption on)…`);
    await load('warm-up', `${base}/bench/bare`, { connections, duration: 3 });
    results.push(await load(`bare route (Nest + guard), ${connections} clients`, `${base}/bench/bare`, { connections, duration, pid }));
    results.push(await load(`Fastify route without Nest, ${connections} clients`, `${base}/bench/fastify`, { connections, duration, pid }));
    if (soak > 0) {
      console.error(`3/4 ${rate} messages/s for ${soak} s (encryption on), sampling the server's memory every 10 s…`);
      const started = Date.now();
      memory.push(`0 s: ${round(rssMiB(pid))} MiB`);
      const sampler = setInterval(() => memory.push(`${Math.round((Date.now() - started) / 1000)} s: ${round(rssMiB(pid))} MiB`), 10_000);
      results.push(await load(`POST /v1/messages at ${rate}/s (offered), encryption on`, `${base}/v1/messages`, { connections, duration: soak, overallRate: rate, pid }));
      clearInterval(sampler);
      memory.push(`end: ${round(rssMiB(pid))} MiB`);
    }
  });
  console.error(`4/4 raw appends for ${duration} s…`);
  results.push(await rawAppends(duration, connections));

  const on = runs.filter((run) => run.encryption === 'on');
  const off = runs.filter((run) => run.encryption === 'off');
  const cpu = (r: LoadResult) => (r.cpuPerMessage === undefined ? '–' : String(Math.round(r.cpuPerMessage)));
  console.log(`\nmachine: ${machine()}`);
  console.log(`bench:ingest took ${round((performance.now() - startedAt) / 1000)} s`);
  console.log('\n| load | per second | 2xx | non-2xx | errors | p50 ms | p99 ms | max ms | server CPU µs a message |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of [...on, ...results.slice(0, 2), ...off, ...results.slice(2)]) {
    console.log(`| ${r.label} | ${r.perSecond} | ${r.ok} | ${r.refused} | ${r.errors} | ${r.p50} | ${r.p99} | ${r.max} | ${cpu(r)} |`);
  }

  console.log(`\n| encryption on / off, ${connections} clients, ${duration} s | off, mean | on, mean | on / off, of the means | on / off, each round (median) | target |`);
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
  row('accepted messages/s', (r) => r.perSecond, (ratio) => `≥ ${RATIO_TARGET}: ${ratio >= RATIO_TARGET ? 'met' : '**not met**'} (median of rounds)`);
  row('p50 ms', (r) => r.p50);
  row('p99 ms', (r) => r.p99);
  row('server CPU µs a message', (r) => r.cpuPerMessage!);
  console.log(
    `\nstored by each run (events / with sealed values / data keys / key cases): ${runs.map((r, i) => `${i + 1}. ${r.encryption} ${r.stored.events} / ${r.stored.sealed} / ${r.stored.keys} / ${r.stored.keyCases}`).join('; ')}`,
  );
  if (memory.length > 0) console.log(`\nserver RSS during the ${soak} s fixed-rate run (encryption on): ${memory.join(', ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
