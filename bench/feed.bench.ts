/**
 * npm run bench:feed [-- --backlog 100000 --idle 500 --idle-seconds 30]
 *
 * 1. Drain: one SSE reader drains a backlog of deliveries from the feed of the
 *    all-in-one exchange (its own process, SQLite), from the first cursor to
 *    the last: deliveries/s. The backlog is recorded straight into the
 *    exchange's delivery ledger beforehand (realistic 5 KB payloads), as the
 *    dispatcher would have.
 * 2. Idle: `--idle` SSE connections open on an up-to-date feed, heartbeats every
 *    second: the server's RSS before, with them open, and after the idle period.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timelineEntryOf } from '@cmx/case-domain';
import { realisticCaseOpened } from '@cmx/contracts/testing';
import { Delivery, SqliteDeliveryLedger } from '@cmx/delivery';
import { freePort } from '../test/support/free-port';
import { argument, machine, round, rssMiB, sseIdCounter, startServer } from './support';

const READER = 'NCB-GR';
const READER_KEY = 'demo-ncb-gr';
const backlog = argument('backlog', 100_000);
const idleConnections = argument('idle', 500);
const idleSeconds = argument('idle-seconds', 30);
const BATCH = 1_000;

async function recordBacklog(dataDir: string): Promise<string> {
  const ledger = SqliteDeliveryLedger.open(join(dataDir, 'deliveries.sqlite'));
  const now = new Date();
  let position = 0;
  for (let done = 0; done < backlog; done += BATCH) {
    const deliveries: Delivery[] = [];
    for (let n = 0; n < Math.min(BATCH, backlog - done); n++) {
      position += 1;
      const caseId = `IT-2026-${String(position).padStart(9, '0')}`;
      const message = realisticCaseOpened(caseId, randomUUID(), 'NCB-IT', now);
      const entry = timelineEntryOf({ message, receivedAt: now.toISOString(), entitledParties: ['NCB-IT', READER] }, 1);
      deliveries.push({ party: READER, payload: { caseId, position: String(position), ...entry } });
    }
    await ledger.record({ deliveries, channel: 'feed', deliveredAt: now.toISOString(), checkpoint: String(position) });
  }
  await ledger.close();
  return String(position);
}

interface SseStream {
  readonly request: http.ClientRequest;
  /** Resolves once the server has answered 200 and the stream is open. */
  readonly opened: Promise<void>;
  /** Resolves with the number of deliveries once `until` returns true for the last id seen. */
  readonly done: Promise<number>;
}

function openSse(port: number, path: string, until: (lastId: string, count: number) => boolean = () => false): SseStream {
  let resolveDone: (count: number) => void;
  let rejectDone: (error: Error) => void;
  let resolveOpened: () => void;
  const done = new Promise<number>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const opened = new Promise<void>((resolve, reject) => {
    resolveOpened = resolve;
    done.catch(reject);
  });
  const request = http.get(
    { host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${READER_KEY}`, accept: 'text/event-stream' }, agent: false },
    (response) => {
      if (response.statusCode !== 200) return rejectDone(new Error(`GET ${path} answered ${response.statusCode}`));
      resolveOpened();
      response.setEncoding('utf8');
      response.on(
        'data',
        sseIdCounter((count, lastId) => {
          if (!until(lastId, count)) return;
          resolveDone(count);
          request.destroy();
        }),
      );
      response.on('error', () => undefined);
      return undefined;
    },
  );
  request.on('error', (error) => rejectDone(error));
  return { request, opened, done };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cmx-bench-feed-'));
  console.log(`machine: ${machine()}`);
  console.log(`recording a backlog of ${backlog} deliveries for ${READER}…`);
  const recordStarted = performance.now();
  const last = await recordBacklog(dataDir);
  console.log(`  recorded in ${round((performance.now() - recordStarted) / 1000)} s`);

  const drainServer = await startExchange(dataDir);
  try {
    const started = performance.now();
    const drained = await openSse(drainServer.port, '/v1/feed?limit=1000', (lastId) => lastId === last).done;
    const seconds = (performance.now() - started) / 1000;
    console.log(`\n| run | deliveries | seconds | deliveries/s | server RSS after, MiB |\n| --- | ---: | ---: | ---: | ---: |`);
    console.log(
      `| one SSE reader drains the backlog | ${drained} | ${round(seconds, 2)} | ${Math.round(drained / seconds)} | ${round(rssMiB(drainServer.process.pid!))} |`,
    );
  } finally {
    await stop(drainServer.process);
  }

  // A fresh server for the idle connections, so that the drain's garbage does not blur its memory.
  const idleServer = await startExchange(dataDir);
  try {
    const pid = idleServer.process.pid!;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const before = rssMiB(pid);
    const idle = Array.from({ length: idleConnections }, () => openSse(idleServer.port, `/v1/feed?after=${last}`));
    await Promise.all(idle.map((stream) => stream.opened));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const open = rssMiB(pid);
    const samples: number[] = [];
    for (let second = 0; second < idleSeconds; second += 5) {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      samples.push(round(rssMiB(pid)));
    }
    idle.forEach((stream) => stream.request.destroy());
    console.log(
      `\n${idleConnections} idle SSE connections (heartbeat every 1 s) for ${idleSeconds} s: server RSS ${round(before)} MiB before, ${round(open)} MiB with them open, then every 5 s: ${samples.join(', ')} MiB`,
    );
    console.log(`  ≈ ${round(((Math.max(open, ...samples) - before) * 1024) / idleConnections)} KiB per connection at the highest sample`);
  } finally {
    await stop(idleServer.process);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function startExchange(dataDir: string) {
  const port = await freePort();
  const process = await startServer('../apps/exchange/src/main.ts', { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', FEED_HEARTBEAT_MS: '1000' });
  return { port, process };
}

async function stop(server: ChildProcess): Promise<void> {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
