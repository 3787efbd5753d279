import { randomUUID } from 'node:crypto';
import { status as GrpcCode } from '@grpc/grpc-js';
import { ExchangeClient } from './support/exchange-client';
import { readFeedUntil } from './support/feed';
import { decodeStatusDetails, grpcClientOf, statusOfCallError, submitOverStream, unary } from './support/grpc-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, mixedCaseMessages, newCaseId } from './support/messages';

describe('gRPC cmx.v1.CaseExchangeService over real connections', () => {
  let exchange: InProcessExchange;
  const http = (party: string) => new ExchangeClient(exchange.baseUrl, party);
  const grpcOf = (party: string, apiKey?: string | null) => grpcClientOf(exchange.grpcAddress, party, apiKey);

  beforeAll(async () => {
    exchange = await startInProcessExchange({ FEED_HEARTBEAT_MS: '200' });
  });
  afterAll(() => exchange?.close());

  it('SubmitMessages answers each message of a mixed stream in order, exactly as POST /v1/messages would', async () => {
    const caseId = newCaseId();
    const { opened, updated, stale, reused, invalid } = mixedCaseMessages(caseId);
    const sentByOther = messageOf('case.opened', { caseId: newCaseId(), sender: 'NCB-GR' });
    const messages = [opened, updated, '{ not json', stale, opened, reused, invalid, sentByOther].map((message, index) => ({
      correlationId: `c${index}`,
      json: typeof message === 'string' ? message : JSON.stringify(message),
    }));
    const { client, metadata } = grpcOf('NCB-IT');

    const answers = await submitOverStream(client, metadata, messages);
    expect(answers.map((answer) => answer.correlationId)).toEqual(messages.map((message) => message.correlationId));
    const summary = answers.map((answer) => [
      answer.httpStatus,
      answer.error?.code ?? null,
      answer.error ? decodeStatusDetails(answer.error.details).reason : null,
    ]);
    expect(summary).toEqual([
      [201, null, null],
      [201, null, null],
      [400, GrpcCode.INVALID_ARGUMENT, 'invalid_json'],
      [409, GrpcCode.ABORTED, 'case_version_mismatch'],
      [200, null, null],
      [409, GrpcCode.ALREADY_EXISTS, 'message_id_reused'],
      [400, GrpcCode.INVALID_ARGUMENT, 'invalid_message'],
      [403, GrpcCode.PERMISSION_DENIED, 'sender_not_authenticated_party'],
    ]);
    expect(answers[0].receipt).toMatchObject({ messageId: opened.header.messageId, caseId, caseVersion: '1' });
    expect(answers[1].receipt).toMatchObject({ messageId: updated.header.messageId, caseVersion: '2' });
    expect(answers[4].receipt).toEqual(answers[0].receipt);

    // The same refusals over HTTP: status, error code, message and violations.
    for (const [index, message] of [
      [6, invalid],
      [7, sentByOther],
      [3, stale],
      [5, reused],
    ] as const) {
      const single = await http('NCB-IT').post(message);
      const details = decodeStatusDetails(answers[index].error!.details);
      expect([answers[index].httpStatus, details.reason, answers[index].error!.message]).toEqual([single.status, single.body.error, single.body.message]);
      expect(details.violations).toEqual(
        (single.body.details as Array<{ path?: string; message?: string }>)
          .filter((detail) => 'path' in detail)
          .map((detail) => ({ field: detail.path, description: detail.message })),
      );
    }
    const again = await http('NCB-IT').post(opened);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...answers[0].receipt, caseVersion: 1 });
    const timeline = (await http('NCB-IT').timeline(caseId)).body;
    expect(timeline.entries.map((entry: { messageId: string }) => entry.messageId)).toEqual([opened.header.messageId, updated.header.messageId]);
  });

  it('takes many messages a frame, one response each, and a resend gets the same receipts', async () => {
    const cases = Array.from({ length: 5 }, () => newCaseId());
    const messages = cases.flatMap((caseId) => [
      messageOf('case.opened', { caseId }),
      ...Array.from({ length: 19 }, () => messageOf('case.updated', { caseId })),
    ]);
    const stream = messages.map((message) => ({ correlationId: message.header.messageId, json: JSON.stringify(message) }));
    const { client, metadata } = grpcOf('NCB-IT');
    const first = await submitOverStream(client, metadata, stream, 30);
    expect(first.map((answer) => [answer.correlationId, answer.httpStatus])).toEqual(stream.map((entry) => [entry.correlationId, 201]));
    for (const caseId of cases) {
      const versions = first.filter((answer) => answer.receipt?.caseId === caseId).map((answer) => Number(answer.receipt!.caseVersion));
      expect(versions).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
    }
    const resent = await submitOverStream(client, metadata, stream, 7);
    expect(resent.map((answer) => answer.httpStatus)).toEqual(stream.map(() => 200));
    expect(resent.map((answer) => answer.receipt)).toEqual(first.map((answer) => answer.receipt));
  });

  it('refuses a missing or unknown key with UNAUTHENTICATED on every method, and a malformed frame ends the call', async () => {
    const message = messageOf('case.opened', { caseId: newCaseId() });
    for (const apiKey of [null, 'not-a-key']) {
      const { client, metadata } = grpcOf('NCB-IT', apiKey);
      const streamError = await submitOverStream(client, metadata, [{ correlationId: 'x', json: JSON.stringify(message) }]).catch((error: any) => error);
      expect(statusOfCallError(streamError)).toMatchObject({ code: GrpcCode.UNAUTHENTICATED, reason: apiKey ? 'invalid_credentials' : 'unauthenticated' });
      const timelineError = await unary(client, 'getTimeline', { caseId: message.header.caseId }, metadata).catch((error: any) => error);
      expect(statusOfCallError(timelineError)).toMatchObject({ code: GrpcCode.UNAUTHENTICATED, httpStatus: 401 });
      const ackError = await unary(client, 'acknowledge', { cursor: '1' }, metadata).catch((error: any) => error);
      expect((ackError as { code: number }).code).toBe(GrpcCode.UNAUTHENTICATED);
      const subscribeError = await new Promise<any>((resolve) => client.subscribe({}, metadata).on('error', resolve));
      expect(subscribeError.code).toBe(GrpcCode.UNAUTHENTICATED);
    }
    expect((await http('NCB-IT').timeline(message.header.caseId)).status).toBe(404);

    const { client, metadata } = grpcOf('NCB-IT');
    const malformed = await new Promise<any>((resolve) => {
      const call = client.submitMessages(metadata);
      call.on('error', resolve);
      call.on('data', () => undefined);
      call.write({ correlationId: 'both', cmfJson: Buffer.from(JSON.stringify(message)), entries: [{ correlationId: 'e', cmfJson: Buffer.from('{}') }] });
    });
    expect(statusOfCallError(malformed)).toMatchObject({ code: GrpcCode.INVALID_ARGUMENT, reason: 'invalid_frame' });
  });

  it('Subscribe streams the deliveries and cursors of GET /v1/feed, resumes after a cursor without gap or repeat, and Acknowledge takes the cursor', async () => {
    const caseId = newCaseId();
    const sent: string[] = [];
    for (let n = 0; n < 12; n++) {
      const message = messageOf(n === 0 ? 'case.opened' : 'case.updated', { caseId });
      sent.push(message.header.messageId);
      expect((await http('NCB-IT').post(message)).status).toBe(201);
    }
    const feed = (await readFeedUntil(http('NCB-GR'), 12)).filter((item) => item.delivery.caseId === caseId);
    const { client, metadata } = grpcOf('NCB-GR');
    const readStream = (afterCursor: string, count: number) =>
      new Promise<any[]>((resolve, reject) => {
        const received: any[] = [];
        const call = client.subscribe({ afterCursor }, metadata);
        call.on('data', (delivery: any) => {
          received.push(delivery);
          if (received.length === count) call.cancel();
        });
        call.on('error', (error: any) => (error.code === GrpcCode.CANCELLED ? resolve(received) : reject(error)));
      });
    const firstCursor = feed[0].cursor;
    const before = (await http('NCB-GR').request('GET', `/v1/feed?limit=1000`)).body.items.filter(
      (item: any) => Number(item.cursor) < Number(firstCursor),
    ).length;
    const head = await readStream('', before + 5);
    const ours = head.filter((delivery) => delivery.caseId === caseId);
    expect(ours.map((delivery) => [delivery.cursor, JSON.parse(delivery.deliveryJson.toString())])).toEqual(
      feed.slice(0, 5).map((item) => [item.cursor, item.delivery]),
    );
    const rest = await readStream(ours[4].cursor, 7);
    expect(rest.map((delivery) => delivery.messageId)).toEqual(sent.slice(5));
    expect(rest.map((delivery) => delivery.messageType)).toEqual(Array(7).fill('case.updated'));

    const ack = await unary<{ acknowledged: string }>(client, 'acknowledge', { cursor: rest[6].cursor }, metadata);
    expect(Number(ack.acknowledged)).toBeGreaterThanOrEqual(12);
    const badAck = await unary(client, 'acknowledge', { cursor: '1', messageIds: [randomUUID()] }, metadata).catch((error: any) => error);
    expect(statusOfCallError(badAck)).toMatchObject({ code: GrpcCode.INVALID_ARGUMENT, httpStatus: 400 });
    const unknownAck = await unary(client, 'acknowledge', { messageIds: [randomUUID()] }, metadata).catch((error: any) => error);
    expect(statusOfCallError(unknownAck)).toMatchObject({
      httpStatus: (await http('NCB-GR').request('POST', '/v1/feed/ack', JSON.stringify({ messageIds: [randomUUID()] }))).status,
    });
  });

  it('GetTimeline answers the timeline of GET /v1/cases/{id}/timeline, and its refusals', async () => {
    const caseId = newCaseId();
    await http('NCB-IT').post(messageOf('case.opened', { caseId }));
    await http('NCB-IT').post(messageOf('case.updated', { caseId }));
    const { client, metadata } = grpcOf('NCB-GR');
    const answer = await unary<{ timelineJson: Buffer }>(client, 'getTimeline', { caseId, limit: 1 }, metadata);
    expect(JSON.parse(answer.timelineJson.toString())).toEqual((await http('NCB-GR').timeline(caseId, { limit: 1 })).body);
    const outsider = grpcOf('NCB-ES');
    const refused = await unary(outsider.client, 'getTimeline', { caseId }, outsider.metadata).catch((error: any) => error);
    const overHttp = await http('NCB-ES').timeline(caseId);
    expect(statusOfCallError(refused)).toMatchObject({ httpStatus: overHttp.status, reason: overHttp.body.error });
    const badLimit = await unary(client, 'getTimeline', { caseId, limit: 501 }, metadata).catch((error: any) => error);
    expect(statusOfCallError(badLimit)).toMatchObject({ code: GrpcCode.INVALID_ARGUMENT, violations: [expect.objectContaining({ field: 'limit' })] });
  });
});
