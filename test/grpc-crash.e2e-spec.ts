import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status as GrpcCode } from '@grpc/grpc-js';
import { ExchangeClient } from './support/exchange-client';
import { grpcClientOf, SubmitAnswer, submitOverStream } from './support/grpc-client';
import { messageOf, newCaseId } from './support/messages';
import { ServiceProcess, startExchangeProcess } from './support/service-process';

interface Received {
  readonly messageId: string;
  readonly caseId: string;
  readonly caseVersion: number;
}

/** Every receipt is on its case's timeline, at its version. */
async function expectStored(client: ExchangeClient, receipts: readonly Received[]): Promise<void> {
  for (const caseId of new Set(receipts.map((receipt) => receipt.caseId))) {
    const { body } = await client.timeline(caseId, { limit: 500 });
    const stored = new Map(body.entries.map((entry: { messageId: string; caseVersion: number }) => [entry.messageId, entry.caseVersion]));
    for (const receipt of receipts.filter((candidate) => candidate.caseId === caseId))
      expect([receipt.messageId, stored.get(receipt.messageId)]).toEqual([receipt.messageId, receipt.caseVersion]);
  }
}

describe('gRPC and NDJSON batches across kill -9 of the all-in-one (npm start: the exchange and its dispatcher and projector process)', () => {
  let dataDir: string;
  let exchange: ServiceProcess | undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cmx-grpc-crash-'));
  });
  afterEach(async () => {
    await exchange?.kill9();
    exchange = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cases = (count: number, perCase: number) =>
    Array.from({ length: count }, () => newCaseId()).flatMap((caseId) =>
      Array.from({ length: perCase }, (_, n) => messageOf(n === 0 ? 'case.opened' : 'case.updated', { caseId })),
    );

  it('a stream cut by kill -9 loses no message it answered, and a resend gets the same receipts', async () => {
    exchange = await startExchangeProcess({ DATA_DIR: dataDir });
    const messages = cases(40, 50);
    const { client, metadata } = grpcClientOf(exchange.grpcAddress, 'NCB-IT');
    const answered: SubmitAnswer[] = [];
    const call = client.submitMessages(metadata);
    const ended = new Promise<{ code: number }>((resolve) => call.on('error', resolve));
    call.on('data', (answer: SubmitAnswer) => {
      answered.push(answer);
      if (answered.length === 300) void exchange!.kill9();
    });
    for (let start = 0; start < messages.length; start += 20) {
      call.write({
        entries: messages
          .slice(start, start + 20)
          .map((message) => ({ correlationId: message.header.messageId, cmfJson: Buffer.from(JSON.stringify(message)) })),
      });
    }
    expect((await ended).code).toBe(GrpcCode.UNAVAILABLE);
    expect(answered.length).toBeGreaterThanOrEqual(300);
    expect(answered.length).toBeLessThan(messages.length);
    expect(answered.every((answer) => answer.httpStatus === 201)).toBe(true);

    exchange = await startExchangeProcess({ DATA_DIR: dataDir });
    const http = new ExchangeClient(exchange.baseUrl, 'NCB-IT');
    await expectStored(
      http,
      answered.map((answer) => ({ ...answer.receipt!, caseVersion: Number(answer.receipt!.caseVersion) })),
    );
    const again = grpcClientOf(exchange.grpcAddress, 'NCB-IT');
    const resent = await submitOverStream(
      again.client,
      again.metadata,
      messages.map((message) => ({ correlationId: message.header.messageId, json: JSON.stringify(message) })),
      50,
    );
    const firstReceipts = new Map(answered.map((answer) => [answer.correlationId, answer.receipt]));
    for (const answer of resent) {
      if (firstReceipts.has(answer.correlationId)) expect([answer.httpStatus, answer.receipt]).toEqual([200, firstReceipts.get(answer.correlationId)]);
      else expect([200, 201]).toContain(answer.httpStatus);
    }
    expect(resent.map((answer) => answer.correlationId)).toEqual(messages.map((message) => message.header.messageId));
  }, 120_000);

  it('kill -9 during NDJSON batches: every batch answer that reached the client is in the store', async () => {
    exchange = await startExchangeProcess({ DATA_DIR: dataDir });
    const http = new ExchangeClient(exchange.baseUrl, 'NCB-IT');
    const messages = cases(100, 30);
    const receipts: Received[] = [];
    const batches = Array.from({ length: Math.ceil(messages.length / 250) }, (_, index) => messages.slice(index * 250, index * 250 + 250));
    let sent = 0;
    const posting = (async () => {
      for (const batch of batches) {
        const answer = await http
          .request('POST', '/v1/messages:batch', batch.map((message) => JSON.stringify(message)).join('\n'), { 'content-type': 'application/x-ndjson' })
          .catch(() => undefined);
        if (!answer) return;
        sent += 1;
        for (const line of (answer.body as string)
          .trim()
          .split('\n')
          .map((text) => JSON.parse(text))) {
          expect(line.status).toBe(201);
          receipts.push(line.receipt);
        }
      }
    })();
    while (sent < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await exchange.kill9();
    await posting;
    expect(receipts.length).toBeGreaterThanOrEqual(750);
    expect(receipts.length).toBeLessThan(messages.length);

    exchange = await startExchangeProcess({ DATA_DIR: dataDir });
    await expectStored(new ExchangeClient(exchange.baseUrl, 'NCB-IT'), receipts);
  }, 120_000);

  it('Subscribe resumes without gap or repeat across kill -9 of the dispatcher process and of the whole exchange', async () => {
    exchange = await startExchangeProcess({ DATA_DIR: dataDir, FEED_HEARTBEAT_MS: '200' });
    const caseId = newCaseId();
    const sent: string[] = [];
    const received: Array<{ cursor: string; messageId: string }> = [];
    const post = async (count: number) => {
      const http = new ExchangeClient(exchange!.baseUrl, 'NCB-IT');
      for (let n = 0; n < count; n++) {
        const message = messageOf(sent.length === 0 ? 'case.opened' : 'case.updated', { caseId });
        expect((await http.post(message)).status).toBe(201);
        sent.push(message.header.messageId);
      }
    };
    const subscribe = (afterCursor: string) => {
      const { client, metadata } = grpcClientOf(exchange!.grpcAddress, 'NCB-GR');
      const call = client.subscribe({ afterCursor }, metadata);
      call.on('data', (delivery: { cursor: string; messageId: string }) => received.push({ cursor: delivery.cursor, messageId: delivery.messageId }));
      call.on('error', () => undefined);
      return call;
    };
    const until = async (count: number) => {
      const deadline = Date.now() + 20_000;
      while (received.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    };

    subscribe('');
    await post(10);
    await until(10);
    const dispatcherPid = Number(
      (await import('node:child_process'))
        .execFileSync('pgrep', ['-P', String(exchange.child.pid)], { encoding: 'utf8' })
        .trim()
        .split('\n')[0],
    );
    process.kill(dispatcherPid, 'SIGKILL');
    await post(10);
    await until(20);

    await exchange.kill9();
    exchange = await startExchangeProcess({ DATA_DIR: dataDir, FEED_HEARTBEAT_MS: '200' });
    await post(10);
    subscribe(received[received.length - 1].cursor);
    await until(30);

    expect(received.map((delivery) => delivery.messageId)).toEqual(sent);
    const cursors = received.map((delivery) => BigInt(delivery.cursor));
    cursors.slice(1).forEach((cursor, index) => expect(cursor > cursors[index]).toBe(true));
  }, 120_000);
});
