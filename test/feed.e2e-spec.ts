import { DEMO_KEYS, ExchangeClient } from './support/exchange-client';
import { readFeedUntil, SseConnection } from './support/feed';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, newCaseId } from './support/messages';
import { seededRandom } from './support/reference-entitlement';

describe('GET /v1/feed: each party reads its deliveries, resumable by cursor', () => {
  let exchange: InProcessExchange;
  const client = (party: string) => new ExchangeClient(exchange.baseUrl, party);
  const caseId = newCaseId();
  const sent: string[] = [];

  beforeAll(async () => {
    exchange = await startInProcessExchange({ FEED_HEARTBEAT_MS: '200' });
    // OP-HYDRA-2026 = NCB-IT, NCB-GR, EUROPOL (config/demo-parties.json)
    for (let n = 0; n < 30; n++) {
      const message = messageOf(n === 0 ? 'case.opened' : 'case.updated', { caseId });
      sent.push(message.header.messageId);
      expect((await client('NCB-IT').post(message)).status).toBe(201);
    }
  });
  afterAll(() => exchange.close());

  it('lists the deliveries in case order with store positions as cursors, to the entitled parties only', async () => {
    const items = await readFeedUntil(client('NCB-GR'), 30);
    expect(items.map((item) => item.delivery.messageId)).toEqual(sent);
    expect(items.map((item) => item.delivery.caseVersion)).toEqual(Array.from({ length: 30 }, (_, n) => n + 1));
    items.forEach((item) => expect(item.cursor).toBe(item.delivery.position));
    expect(items[0].delivery).toMatchObject({ caseId, type: 'case.opened', sender: 'NCB-IT' });
    expect((await readFeedUntil(client('EUROPOL'), 30)).length).toBe(30);
    expect(await readFeedUntil(client('NCB-ES'), 1, 300)).toEqual([]);
    expect(await readFeedUntil(client('NCB-IT'), 1, 300)).toEqual([]); // the sender is not sent its own messages
  });

  it('pages with after and limit; nextCursor resumes with no gap and no repeat', async () => {
    const gr = client('NCB-GR');
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const { status, body } = await gr.request('GET', `/v1/feed?limit=7${after ? `&after=${after}` : ''}`);
      expect(status).toBe(200);
      seen.push(...body.items.map((item: { delivery: { messageId: string } }) => item.delivery.messageId));
      after = body.nextCursor;
    }
    expect(seen).toEqual(sent);
    const end = await gr.request('GET', `/v1/feed?after=${after}`);
    expect(end.body).toEqual({ items: [], nextCursor: after });
  });

  it('refuses a malformed cursor, limit or parameter (400, with the path)', async () => {
    for (const query of ['after=abc', 'after=-1', 'after=99999999999999999999', 'limit=0', 'limit=1001', 'since=1']) {
      const { status, body } = await client('NCB-GR').request('GET', `/v1/feed?${query}`);
      expect([query, status, body.error]).toEqual([query, 400, 'invalid_query']);
    }
    expect((await ExchangeClient.anonymous(exchange.baseUrl).request('GET', '/v1/feed')).status).toBe(401);
  });

  it('streams the same deliveries as server-sent events (id: = cursor) and resumes with Last-Event-ID', async () => {
    const json = await readFeedUntil(client('NCB-GR'), 30);
    const stream = await SseConnection.open(exchange.baseUrl, DEMO_KEYS['NCB-GR'], '/v1/feed');
    expect(stream.status).toBe(200);
    await stream.waitFor((connection) => connection.deliveries().length === 30);
    await stream.close();
    expect(stream.deliveries().map((event) => event.id)).toEqual(json.map((item) => item.cursor));
    expect(stream.deliveries().map((event) => event.delivery)).toEqual(json.map((item) => item.delivery));

    const resumed = await SseConnection.open(exchange.baseUrl, DEMO_KEYS['NCB-GR'], '/v1/feed?after=0', { 'last-event-id': json[24].cursor });
    await resumed.waitFor((connection) => connection.deliveries().length === 5);
    await resumed.close();
    expect(resumed.deliveries().map((event) => event.id)).toEqual(json.slice(25).map((item) => item.cursor));
  });

  it('sends heartbeat comments on an idle stream and new deliveries as they are recorded', async () => {
    const gr = await readFeedUntil(client('NCB-GR'), 30);
    const stream = await SseConnection.open(exchange.baseUrl, DEMO_KEYS['NCB-GR'], `/v1/feed?after=${gr[gr.length - 1].cursor}`);
    await stream.waitFor((connection) => connection.events.some((event) => event.comment === 'heartbeat'), 5_000);
    const late = messageOf('case.updated', { caseId });
    expect((await client('NCB-IT').post(late)).status).toBe(201);
    await stream.waitFor((connection) => connection.deliveries().length === 1);
    await stream.close();
    expect(stream.deliveries()[0].delivery.messageId).toBe(late.header.messageId);
    sent.push(late.header.messageId);
  });

  it('property: disconnecting at random points and reconnecting with the last cursor gives the uninterrupted stream', async () => {
    const uninterrupted = await readFeedUntil(client('NCB-GR'), sent.length);
    expect(uninterrupted.length).toBe(sent.length);
    for (let seed = 1; seed <= 8; seed++) {
      const random = seededRandom(seed);
      const collected: string[] = [];
      let lastId: string | undefined;
      while (collected.length < uninterrupted.length) {
        const stopAfter = 1 + Math.floor(random() * 9);
        const pageSize = 1 + Math.floor(random() * 5);
        const stream = await SseConnection.open(exchange.baseUrl, DEMO_KEYS['NCB-GR'], `/v1/feed?limit=${pageSize}`, lastId ? { 'last-event-id': lastId } : {});
        const target = Math.min(uninterrupted.length, collected.length + stopAfter);
        await stream.waitFor((connection) => collected.length + connection.deliveries().length >= target);
        await stream.close();
        const got = stream.deliveries();
        collected.push(...got.map((event) => event.id));
        lastId = got.length > 0 ? got[got.length - 1].id : lastId;
      }
      expect([seed, collected]).toEqual([seed, uninterrupted.map((item) => item.cursor)]);
    }
  });
});
