import { ExchangeClient } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, newCaseId } from './support/messages';

describe('GET /v1/cases/{caseId}/timeline over HTTP', () => {
  let exchange: InProcessExchange;
  const client = (party: string) => new ExchangeClient(exchange.baseUrl, party);
  const caseId = newCaseId();

  beforeAll(async () => {
    exchange = await startInProcessExchange();
    const post = async (party: string, type: Parameters<typeof messageOf>[0], header = {}) => {
      const answer = await client(party).post(messageOf(type, { caseId, sender: party, header }));
      expect(answer.status).toBe(201);
    };
    await post('NCB-IT', 'case.opened'); // 1: OP-HYDRA-2026 = NCB-IT, NCB-GR, EUROPOL
    await post('NCB-IT', 'case.updated', { distribution: { scope: 'recipients', recipients: ['NCB-GR'] } }); // 2
    await post('NCB-GR', 'case.updated', { distribution: { scope: 'taskForce', taskForces: ['OTF-CENTRAL-MED'] } }); // 3
    for (let version = 4; version <= 8; version++) await post('NCB-IT', 'case.updated'); // 4..8
  });
  afterAll(() => exchange.close());

  const versionsOf = (body: { entries: { caseVersion: number }[] }) => body.entries.map((entry) => entry.caseVersion);

  it('shows each party only the messages it is entitled to, in case-version order', async () => {
    const europol = await client('EUROPOL').timeline(caseId);
    expect(europol.status).toBe(200);
    expect(versionsOf(europol.body)).toEqual([1, 4, 5, 6, 7, 8]);
    expect(europol.body).toMatchObject({ caseId, version: 8, nextAfterVersion: null });
    expect(versionsOf((await client('NCB-GR').timeline(caseId)).body)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(versionsOf((await client('FRONTEX').timeline(caseId)).body)).toEqual([3]);
    expect(versionsOf((await client('NCB-NE').timeline(caseId)).body)).toEqual([3]);
  });

  it('gives each entry the fields of the contract, and recipients on the sender’s own entries only', async () => {
    const fields = ['body', 'caseVersion', 'evaluation', 'handling', 'messageId', 'priority', 'receivedAt', 'sender', 'sentAt', 'type'];
    expect(Object.keys((await client('NCB-GR').timeline(caseId, { limit: 1 })).body.entries[0]).sort()).toEqual(fields);
    const { body } = await client('NCB-IT').timeline(caseId, { limit: 1 });
    expect(Object.keys(body.entries[0]).sort()).toEqual([...fields, 'recipients'].sort());
    expect(body.entries[0]).toMatchObject({ caseVersion: 1, type: 'case.opened', sender: 'NCB-IT', priority: 'urgent' });
  });

  it('pages by case version with afterVersion and nextAfterVersion', async () => {
    const europol = client('EUROPOL');
    const pages: number[][] = [];
    let after = 0;
    for (;;) {
      const { status, body } = await europol.timeline(caseId, { afterVersion: after, limit: 2 });
      expect(status).toBe(200);
      pages.push(versionsOf(body));
      if (body.nextAfterVersion === null) break;
      after = body.nextAfterVersion;
    }
    expect(pages).toEqual([
      [1, 4],
      [5, 6],
      [7, 8],
    ]);
    expect(versionsOf((await europol.timeline(caseId, { afterVersion: 8 })).body)).toEqual([]);
  });

  it('tells a party entitled to nothing exactly what it tells about a case that does not exist (404)', async () => {
    const hidden = await client('NCB-ES').timeline(caseId);
    const missing = await client('NCB-ES').timeline(newCaseId());
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(hidden.body.error).toBe(missing.body.error);
    expect(JSON.stringify(hidden.body)).not.toContain('NCB-IT');
  });

  it('refuses bad parameters (400) and a missing key (401)', async () => {
    for (const query of [{ limit: 0 }, { limit: 501 }, { afterVersion: -1 }, { afterVersion: 'x' }, { since: 3 }]) {
      const answer = await client('EUROPOL').timeline(caseId, query);
      expect([answer.status, answer.body.error]).toEqual([400, 'invalid_query']);
    }
    expect((await client('EUROPOL').timeline('not-a-case')).status).toBe(400);
    expect((await ExchangeClient.anonymous(exchange.baseUrl).timeline(caseId)).status).toBe(401);
  });
});
