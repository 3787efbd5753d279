import { randomUUID } from 'node:crypto';
import { ExchangeClient, HttpAnswer } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, mixedCaseMessages, newCaseId } from './support/messages';

describe('POST /v1/messages:batch (NDJSON)', () => {
  let exchange: InProcessExchange;
  let client: ExchangeClient;

  beforeAll(async () => {
    exchange = await startInProcessExchange();
    client = new ExchangeClient(exchange.baseUrl, 'NCB-IT');
  });
  afterAll(() => exchange?.close());

  const batch = (body: string, contentType = 'application/x-ndjson'): Promise<HttpAnswer> =>
    client.request('POST', '/v1/messages:batch', body, { 'content-type': contentType });
  const linesOf = (answer: HttpAnswer) =>
    (answer.body as string)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));

  it('answers each line in order as POST /v1/messages would, every accepted one stored', async () => {
    const caseId = newCaseId();
    const { opened, updated, stale, reused, invalid } = mixedCaseMessages(caseId);
    const alone = messageOf('case.opened', { caseId: newCaseId() });
    const body = [opened, updated, '{ not json', '', stale, opened, reused, invalid, alone]
      .map((line) => (typeof line === 'string' ? line : JSON.stringify(line)))
      .join('\n');

    const answer = await batch(body);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = linesOf(answer);
    expect(lines.map((line) => [line.line, line.status, line.error?.error ?? null])).toEqual([
      [1, 201, null],
      [2, 201, null],
      [3, 400, 'invalid_json'],
      [5, 409, 'case_version_mismatch'],
      [6, 200, null],
      [7, 409, 'message_id_reused'],
      [8, 400, 'invalid_message'],
      [9, 201, null],
    ]);
    expect(lines[0].receipt).toMatchObject({ messageId: opened.header.messageId, caseId, caseVersion: 1 });
    expect(lines[1].receipt).toMatchObject({ messageId: updated.header.messageId, caseVersion: 2 });
    expect(lines[4].receipt).toEqual(lines[0].receipt);
    expect(lines[6].error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'header.priority' })]));

    const single = await client.post(invalid);
    expect([single.status, single.body]).toEqual([lines[6].status, lines[6].error]);
    const timeline = (await client.timeline(caseId)).body;
    expect(timeline.entries.map((entry: { messageId: string }) => entry.messageId)).toEqual([opened.header.messageId, updated.header.messageId]);
  });

  it('refuses a body that is not NDJSON at all, too many lines, too many bytes or another media type, storing nothing', async () => {
    const head = async () => (await client.request('GET', '/health')).body.projections.boards.head;
    const before = JSON.stringify(await head());
    const refusals: [string, string | undefined, number, string][] = [
      ['', undefined, 400, 'invalid_json'],
      ['garbage\nmore garbage\n', undefined, 400, 'invalid_json'],
      [Array.from({ length: 1_001 }, () => JSON.stringify(messageOf('case.opened', { caseId: newCaseId() }))).join('\n'), undefined, 400, 'invalid_json'],
      ['x'.repeat(16 * 1024 * 1024 + 10), undefined, 413, 'payload_too_large'],
      [JSON.stringify(messageOf('case.opened', { caseId: newCaseId() })), 'application/json', 415, 'unsupported_media_type'],
    ];
    for (const [body, contentType, status, error] of refusals) {
      const answer = await batch(body, contentType);
      expect([body.slice(0, 20), answer.status, answer.body?.error]).toEqual([body.slice(0, 20), status, error]);
    }
    expect(JSON.stringify(await head())).toBe(before);
    const ndjsonToSingle = await client.request('POST', '/v1/messages', JSON.stringify(messageOf('case.opened', { caseId: newCaseId() })), {
      'content-type': 'application/x-ndjson',
    });
    expect([ndjsonToSingle.status, ndjsonToSingle.body.error]).toEqual([415, 'unsupported_media_type']);
  });

  it('takes a thousand messages in one batch, each case in its line order', async () => {
    const cases = Array.from({ length: 100 }, () => newCaseId());
    const messages = cases.flatMap((caseId) => [
      messageOf('case.opened', { caseId }),
      ...Array.from({ length: 9 }, (_, index) => messageOf('case.updated', { caseId, header: { expectedCaseVersion: index + 1 }, messageId: randomUUID() })),
    ]);
    const answer = await batch(messages.map((message) => JSON.stringify(message)).join('\n'));
    const lines = linesOf(answer);
    expect(lines.filter((line) => line.status === 201)).toHaveLength(1_000);
    const versions = (await client.timeline(cases[42])).body.entries.map((entry: { caseVersion: number }) => entry.caseVersion);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
