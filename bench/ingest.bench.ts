/**
 * npm run bench:ingest [-- --duration 20 --connections 64 --rate 2000 --soak 120]
 *
 * Against the embedded exchange (SQLite, fsync on every commit) in its own process:
 * 1. accepted messages/s and latency with N concurrent keep-alive clients posting realistic case.opened messages;
 * 2. the same load on a bare route of the same server (the framework's ceiling), and on a route registered
 *    on Fastify itself (the HTTP server's ceiling, without Nest);
 * 3. a fixed rate (default 2,000 messages/s) for the soak time, sampling the server's memory;
 * then, in this process, raw appends of the same events to a SQLite store (the store's ceiling).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { realisticCaseOpened } from '@cmx/contracts/testing';
import { SqliteEventStore } from '@cmx/event-store';
import { freePort } from '../test/support/free-port';
import { argument, machine, round, rssMiB, startServer } from './support';

const duration = argument('duration', 20);
const connections = argument('connections', 64);
const rate = argument('rate', 2000);
const soak = argument('soak', 120);
const API_KEY = 'demo-ncb-it';

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
}

async function load(label: string, url: string, options: { connections: number; duration: number; overallRate?: number }): Promise<LoadResult> {
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
  const dataDir = mkdtempSync(join(tmpdir(), 'cmx-bench-'));
  const port = await freePort();
  const server = await startServer('bench-server.ts', { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' });
  const base = `http://127.0.0.1:${port}`;
  const results: LoadResult[] = [];
  const memory: string[] = [];
  try {
    console.error(`machine: ${machine()}`);
    console.error('warm-up 3 s…');
    await load('warm-up', `${base}/v1/messages`, { connections, duration: 3 });
    console.error(`1/4 ${connections} clients, ${duration} s on POST /v1/messages…`);
    results.push(await load(`POST /v1/messages, ${connections} clients`, `${base}/v1/messages`, { connections, duration }));
    console.error(`2/4 ${connections} clients, ${duration} s on the bare route, then on the Fastify route…`);
    results.push(await load(`bare route, ${connections} clients`, `${base}/bench/bare`, { connections, duration }));
    results.push(await load(`Fastify route without Nest, ${connections} clients`, `${base}/bench/fastify`, { connections, duration }));
    console.error(`3/4 ${rate} messages/s for ${soak} s, sampling the server's memory every 10 s…`);
    const started = Date.now();
    memory.push(`0 s: ${round(rssMiB(server.pid!))} MiB`);
    const sampler = setInterval(() => memory.push(`${Math.round((Date.now() - started) / 1000)} s: ${round(rssMiB(server.pid!))} MiB`), 10_000);
    results.push(await load(`POST /v1/messages at ${rate}/s`, `${base}/v1/messages`, { connections, duration: soak, overallRate: rate }));
    clearInterval(sampler);
    memory.push(`end: ${round(rssMiB(server.pid!))} MiB`);
  } finally {
    server.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.error(`4/4 raw appends for ${duration} s…`);
  results.push(await rawAppends(duration, connections));

  console.log(`\nmachine: ${machine()}`);
  console.log('| load | per second | 2xx | non-2xx | errors | p50 ms | p99 ms | max ms |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) console.log(`| ${r.label} | ${r.perSecond} | ${r.ok} | ${r.refused} | ${r.errors} | ${r.p50} | ${r.p99} | ${r.max} |`);
  console.log(`\nserver RSS during the ${soak} s fixed-rate run: ${memory.join(', ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
