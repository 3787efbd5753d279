import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timelineEntryOf } from '@cmx/case-domain';
import { realisticCaseOpened } from '@cmx/contracts/testing';
import { Delivery, DeliveryLedger, SqliteDeliveryLedger } from '@cmx/delivery';
import { streamFeed } from './feed-stream';

const PARTY = 'NCB-GR';
const DELIVERIES = 20_000;
const PAGE = 100;

describe('the SSE feed against a reader that stops reading (real SQLite ledger, real sockets)', () => {
  let dir: string;
  let ledger: DeliveryLedger;
  let pagesRead = 0;
  let server: http.Server;
  let socket: Socket;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cmx-feed-stream-'));
    ledger = SqliteDeliveryLedger.open(join(dir, 'deliveries.sqlite'));
    const now = new Date();
    for (let position = 1; position <= DELIVERIES; position += 1000) {
      const deliveries: Delivery[] = Array.from({ length: 1000 }, (_, n) => {
        const caseId = `IT-2026-${position + n}`;
        const message = realisticCaseOpened(caseId, randomUUID(), 'NCB-IT', now);
        const entry = timelineEntryOf({ message, receivedAt: now.toISOString(), entitledParties: ['NCB-IT', PARTY] }, 1);
        return { party: PARTY, payload: { caseId, position: String(position + n), ...entry } };
      });
      await ledger.record({ deliveries, channel: 'feed', deliveredAt: now.toISOString(), checkpoint: String(position + 999) });
    }
    const counting: DeliveryLedger = Object.create(ledger, {
      readFeed: { value: (...args: Parameters<DeliveryLedger['readFeed']>) => ((pagesRead += 1), ledger.readFeed(...args)) },
    });
    server = http.createServer((_request, response) => {
      void streamFeed(response, {
        ledger: counting,
        party: PARTY,
        after: undefined,
        pageSize: PAGE,
        heartbeatMs: 60_000,
        beforeSending: async () => undefined,
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }, 60_000);

  afterAll(async () => {
    socket?.destroy();
    await new Promise((resolve) => server.close(resolve));
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops reading the ledger while the socket is full: memory is bounded by a page and the socket buffers', async () => {
    const { port } = server.address() as { port: number };
    socket = connect(port, '127.0.0.1');
    socket.on('data', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`GET /v1/feed HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.pause(); // the reader stops reading: the kernel buffers fill, then the server's write() says so

    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const whilePaused = pagesRead;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(pagesRead).toBe(whilePaused); // nothing more is read while nothing is taken
    expect(whilePaused).toBeLessThan(DELIVERIES / PAGE / 2); // far from the whole 100 MB backlog

    socket.resume(); // the reader comes back: the stream goes on to the end
    const deadline = Date.now() + 30_000;
    while (pagesRead < DELIVERIES / PAGE && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pagesRead).toBeGreaterThanOrEqual(DELIVERIES / PAGE);
  }, 60_000);
});
