import { EVENT_STORE, EventStore } from '@cmx/event-store';
import { ExchangeClient } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, newCaseId } from './support/messages';

describe('POST /v1/messages over HTTP (embedded exchange on SQLite)', () => {
  let exchange: InProcessExchange;
  let it_: ExchangeClient;
  let gr: ExchangeClient;
  let store: EventStore;

  beforeAll(async () => {
    exchange = await startInProcessExchange();
    it_ = new ExchangeClient(exchange.baseUrl, 'NCB-IT');
    gr = new ExchangeClient(exchange.baseUrl, 'NCB-GR');
    store = exchange.app.get(EVENT_STORE);
  });
  afterAll(() => exchange.close());

  /** Runs `act` and checks that the store holds no new event afterwards. */
  async function storesNothing<T>(act: () => Promise<T>): Promise<T> {
    const before = await store.headPosition();
    const result = await act();
    expect(await store.headPosition()).toBe(before);
    return result;
  }

  it('answers the first receipt with 201 and the repeat with 200 and the same receipt', async () => {
    const opened = messageOf('case.opened', { caseId: newCaseId(), header: { expectedCaseVersion: 0 } });
    const first = await it_.post(opened);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      messageId: opened.header.messageId,
      caseId: opened.header.caseId,
      caseVersion: 1,
      position: expect.stringMatching(/^\d+$/),
      receivedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    const repeat = await storesNothing(() => it_.post(opened));
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(first.body);
  });

  it('treats the same content with its keys in another order as a repeat', async () => {
    const opened = messageOf('case.opened', { caseId: newCaseId() });
    const first = await it_.post(opened);
    const reordered = { body: opened.body, header: Object.fromEntries(Object.entries(opened.header).reverse()) };
    const repeat = await it_.post(reordered);
    expect([first.status, repeat.status]).toEqual([201, 200]);
    expect(repeat.body).toEqual(first.body);
  });

  it('answers a repeat the case would still take (an update without expectedCaseVersion) with its first receipt', async () => {
    const caseId = newCaseId();
    await it_.post(messageOf('case.opened', { caseId }));
    const update = messageOf('case.updated', { caseId });
    const first = await it_.post(update);
    const repeat = await storesNothing(() => it_.post(update));
    expect([first.status, repeat.status]).toEqual([201, 200]);
    expect(repeat.body).toEqual(first.body);
    const changed = await storesNothing(() => it_.post({ ...update, body: { summary: 'other content' } }));
    expect([changed.status, changed.body.error]).toEqual([409, 'message_id_reused']);
  });

  it('refuses a reused messageId with other content (409)', async () => {
    const opened = messageOf('case.opened', { caseId: newCaseId() });
    expect((await it_.post(opened)).status).toBe(201);
    const changed = { ...opened, body: { ...opened.body, title: 'Another title' } };
    const answer = await storesNothing(() => it_.post(changed));
    expect(answer.status).toBe(409);
    expect(answer.body.error).toBe('message_id_reused');
  });

  it('refuses a stale expectedCaseVersion with the current version (409)', async () => {
    const caseId = newCaseId();
    await it_.post(messageOf('case.opened', { caseId }));
    await it_.post(messageOf('case.updated', { caseId, header: { expectedCaseVersion: 1 } }));
    const stale = await storesNothing(() => it_.post(messageOf('case.updated', { caseId, header: { expectedCaseVersion: 1 } })));
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: 'case_version_mismatch', details: [{ currentVersion: 2 }] });
  });

  it('refuses to open a case that exists (409) and to update a missing one (404)', async () => {
    const caseId = newCaseId();
    expect((await it_.post(messageOf('case.opened', { caseId }))).status).toBe(201);
    const again = await storesNothing(() => it_.post(messageOf('case.opened', { caseId })));
    expect([again.status, again.body.error]).toEqual([409, 'case_already_exists']);
    const missing = await storesNothing(() => it_.post(messageOf('case.updated', { caseId: newCaseId() })));
    expect([missing.status, missing.body.error]).toEqual([404, 'case_not_found']);
  });

  it('refuses a closed case (409)', async () => {
    const caseId = newCaseId();
    await it_.post(messageOf('case.opened', { caseId }));
    expect((await it_.post(messageOf('case.closed', { caseId, body: { reason: 'convicted' } }))).status).toBe(201);
    const late = await storesNothing(() => it_.post(messageOf('case.updated', { caseId })));
    expect([late.status, late.body.error]).toEqual([409, 'case_closed']);
  });

  it('refuses a sender that is not the authenticated party (403)', async () => {
    const spoofed = messageOf('case.opened', { caseId: newCaseId(), sender: 'NCB-GR' });
    const answer = await storesNothing(() => it_.post(spoofed));
    expect([answer.status, answer.body.error]).toEqual([403, 'sender_not_authenticated_party']);
  });

  it('refuses a writer entitled to none of the case’s messages (403)', async () => {
    const caseId = newCaseId();
    await it_.post(messageOf('case.opened', { caseId, header: { distribution: { scope: 'recipients', recipients: ['EUROPOL'] } } }));
    const answer = await storesNothing(() => gr.post(messageOf('case.updated', { caseId, sender: 'NCB-GR' })));
    expect([answer.status, answer.body.error]).toEqual([403, 'not_entitled_to_case']);
  });

  it('refuses missing and wrong credentials (401) before anything else', async () => {
    const message = messageOf('case.opened', { caseId: newCaseId() });
    const anonymous = await storesNothing(() => ExchangeClient.anonymous(exchange.baseUrl).post(message));
    expect([anonymous.status, anonymous.body.error]).toEqual([401, 'unauthenticated']);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await storesNothing(() => new ExchangeClient(exchange.baseUrl, 'NCB-IT', 'demo-ncb-it-x').post(message));
    expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_credentials']);
    const malformed = await it_.request('POST', '/v1/messages', JSON.stringify(message), { authorization: 'Basic abc' });
    expect(malformed.status).toBe(401);
  });

  it('refuses an invalid message with every failing field (400), storing nothing', async () => {
    const message = messageOf('case.opened', { caseId: newCaseId() });
    const broken = {
      header: { ...message.header, priority: 'whenever', handling: { code: 'H3' } },
      body: { ...message.body, crimeAreas: ['jaywalking'], persons: [{ ref: 'P1', role: 'organiser', nickname: 'x' }] },
    };
    const answer = await storesNothing(() => it_.post(broken));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_message');
    const paths = answer.body.details.map((detail: { path: string }) => detail.path);
    expect(paths).toEqual(expect.arrayContaining(['header.priority', 'header.handling.conditions', 'body.crimeAreas[0]', 'body.persons[0].nickname']));
    for (const detail of answer.body.details) expect(detail).toEqual({ path: expect.any(String), rule: expect.any(String), message: expect.any(String) });
  });

  it('refuses a distribution naming nobody known, or nobody but the sender (400)', async () => {
    const unknown = messageOf('case.opened', { caseId: newCaseId(), header: { distribution: { scope: 'operation', operations: ['OP-UNKNOWN'] } } });
    const answer = await storesNothing(() => it_.post(unknown));
    expect([answer.status, answer.body.error]).toEqual([400, 'unknown_reference']);
    expect(answer.body.details[0].path).toBe('header.distribution.operations[0]');
    const self = messageOf('case.opened', { caseId: newCaseId(), header: { distribution: { scope: 'recipients', recipients: ['NCB-IT'] } } });
    const selfAnswer = await storesNothing(() => it_.post(self));
    expect([selfAnswer.status, selfAnswer.body.error]).toEqual([400, 'distribution_resolves_to_nobody']);
  });

  it('refuses a body over 256 KiB with 413 and a clean JSON error', async () => {
    const message = messageOf('case.opened', { caseId: newCaseId() });
    const huge = JSON.stringify({ ...message, body: { ...message.body, summary: 'x'.repeat(300 * 1024) } });
    const answer = await storesNothing(() => it_.request('POST', '/v1/messages', huge));
    expect([answer.status, answer.body.error]).toEqual([413, 'payload_too_large']);
  });

  it('refuses broken JSON (400) and other media types (415)', async () => {
    const broken = await storesNothing(() => it_.request('POST', '/v1/messages', '{"header": '));
    expect([broken.status, broken.body.error]).toEqual([400, 'invalid_json']);
    const text = await storesNothing(() => it_.request('POST', '/v1/messages', 'hello', { 'content-type': 'text/plain' }));
    expect([text.status, text.body.error]).toEqual([415, 'unsupported_media_type']);
  });

  it('keeps a case in order under concurrent writers: versions 1..n with no gap', async () => {
    const caseId = newCaseId();
    await it_.post(messageOf('case.opened', { caseId }));
    const answers = await Promise.all(Array.from({ length: 30 }, () => it_.post(messageOf('case.updated', { caseId }))));
    expect(answers.every((answer) => answer.status === 201)).toBe(true);
    const versions = answers.map((answer) => answer.body.caseVersion).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 30 }, (_, index) => index + 2));
  });

  it('answers unknown routes with the JSON error shape (404) and reports health', async () => {
    const unknown = await it_.request('GET', '/v1/nothing-here');
    expect([unknown.status, unknown.body.error]).toEqual([404, 'route_not_found']);
    const health = await ExchangeClient.anonymous(exchange.baseUrl).request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', ready: true, engines: { eventStore: { engine: 'sqlite', status: 'up' } } });
  });
});
