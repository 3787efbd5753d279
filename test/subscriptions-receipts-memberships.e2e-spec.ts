import { ExchangeClient } from './support/exchange-client';
import { readFeedUntil } from './support/feed';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, newCaseId } from './support/messages';

describe('subscriptions, receipts and memberships over HTTP', () => {
  let exchange: InProcessExchange;
  const client = (party: string) => new ExchangeClient(exchange.baseUrl, party);
  const put = (party: string, path: string, body: unknown) => client(party).request('PUT', path, JSON.stringify(body));

  beforeEach(async () => {
    exchange = await startInProcessExchange();
  });
  afterEach(() => exchange.close());

  describe('GET and PUT /v1/subscriptions', () => {
    it('starts with everything ([{}]); a change is stored as an event and applies to the deliveries after it', async () => {
      expect((await client('NCB-GR').request('GET', '/v1/subscriptions')).body).toEqual({ filters: [{}], version: 0, position: null });
      const caseId = newCaseId();
      const opened = messageOf('case.opened', { caseId });
      expect((await client('NCB-IT').post(opened)).status).toBe(201);

      const changed = await put('NCB-GR', '/v1/subscriptions', { filters: [{ types: ['case.closed'] }, { priorities: ['immediate'] }] });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ filters: [{ types: ['case.closed'] }, { priorities: ['immediate'] }], version: 1 });
      expect((await client('NCB-GR').request('GET', '/v1/subscriptions')).body).toEqual(changed.body);

      const routine = messageOf('case.updated', { caseId, header: { priority: 'routine' } });
      const immediate = messageOf('case.updated', { caseId, header: { priority: 'immediate' } });
      const closed = messageOf('case.closed', { caseId, body: { reason: 'dismantled' } });
      for (const message of [routine, immediate, closed]) expect((await client('NCB-IT').post(message)).status).toBe(201);

      const europol = await readFeedUntil(client('EUROPOL'), 4);
      expect(europol.map((item) => item.delivery.type)).toEqual(['case.opened', 'case.updated', 'case.updated', 'case.closed']);
      const gr = await readFeedUntil(client('NCB-GR'), 3, 3_000);
      expect(gr.map((item) => item.delivery.messageId)).toEqual([opened.header.messageId, immediate.header.messageId, closed.header.messageId]);
      expect(Number(gr[0].cursor)).toBeLessThan(Number(changed.body.position));
    });

    it('[] receives nothing; a bad body is refused with every path and changes nothing', async () => {
      const bad = await put('NCB-GR', '/v1/subscriptions', { filters: [{ types: ['case.deleted'], crimeAreas: 'all' }] });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('invalid_subscription');
      expect(bad.body.details.map((detail: { path: string }) => detail.path)).toEqual(['filters[0].types[0]', 'filters[0].crimeAreas']);
      expect((await client('NCB-GR').request('GET', '/v1/subscriptions')).body.version).toBe(0);

      expect((await put('NCB-GR', '/v1/subscriptions', { filters: [] })).status).toBe(200);
      expect((await client('NCB-IT').post(messageOf('case.opened', { caseId: newCaseId() }))).status).toBe(201);
      expect(await readFeedUntil(client('EUROPOL'), 1)).toHaveLength(1);
      expect(await readFeedUntil(client('NCB-GR'), 1, 500)).toEqual([]);
    });
  });

  describe('receipts: POST /v1/feed/ack and recipients on the sender’s timeline', () => {
    it('shows the sender who received each message and who acknowledged it; nobody else sees that list', async () => {
      const caseId = newCaseId();
      const first = messageOf('case.opened', { caseId });
      const second = messageOf('case.updated', { caseId });
      for (const message of [first, second]) expect((await client('NCB-IT').post(message)).status).toBe(201);
      const grFeed = await readFeedUntil(client('NCB-GR'), 2);
      await readFeedUntil(client('EUROPOL'), 2);

      const ack = await client('NCB-GR').request('POST', '/v1/feed/ack', JSON.stringify({ cursor: grFeed[0].cursor }));
      expect(ack.status).toBe(200);
      expect(ack.body.acknowledged).toBe(1);
      const byIds = await client('EUROPOL').request('POST', '/v1/feed/ack', JSON.stringify({ messageIds: [second.header.messageId.toUpperCase()] }));
      expect(byIds.status).toBe(200);
      expect(byIds.body.acknowledged).toBe(1);

      const { body } = await client('NCB-IT').timeline(caseId);
      const [openedEntry, updatedEntry] = body.entries;
      expect(openedEntry.recipients).toEqual([
        { party: 'EUROPOL', channel: 'feed', deliveredAt: expect.any(String), acknowledgedAt: null },
        { party: 'NCB-GR', channel: 'feed', deliveredAt: expect.any(String), acknowledgedAt: ack.body.acknowledgedAt },
      ]);
      expect(updatedEntry.recipients).toEqual([
        { party: 'EUROPOL', channel: 'feed', deliveredAt: expect.any(String), acknowledgedAt: byIds.body.acknowledgedAt },
        { party: 'NCB-GR', channel: 'feed', deliveredAt: expect.any(String), acknowledgedAt: null },
      ]);
      for (const party of ['NCB-GR', 'EUROPOL']) {
        const seen = await client(party).timeline(caseId);
        seen.body.entries.forEach((entry: object) => expect(entry).not.toHaveProperty('recipients'));
      }
    });

    it('refuses a cursor or message id that is not one of the caller’s deliveries, acknowledging nothing', async () => {
      const caseId = newCaseId();
      const opened = messageOf('case.opened', { caseId, header: { distribution: { scope: 'recipients', recipients: ['NCB-GR'] } } });
      expect((await client('NCB-IT').post(opened)).status).toBe(201);
      const [item] = await readFeedUntil(client('NCB-GR'), 1);

      const notMine = await client('EUROPOL').request('POST', '/v1/feed/ack', JSON.stringify({ cursor: item.cursor }));
      expect([notMine.status, notMine.body.error]).toEqual([400, 'unknown_cursor']);
      const mixed = await client('NCB-GR').request(
        'POST',
        '/v1/feed/ack',
        JSON.stringify({ messageIds: [opened.header.messageId, '0b8e2c8e-6f0a-4c43-9d1b-3f1f2a9a7c11'] }),
      );
      expect([mixed.status, mixed.body.error]).toEqual([400, 'unknown_deliveries']);
      for (const body of [{}, { cursor: 'x' }, { cursor: '1', messageIds: [] }, { messageIds: ['nope'] }, []]) {
        const answer = await client('NCB-GR').request('POST', '/v1/feed/ack', JSON.stringify(body));
        expect([JSON.stringify(body), answer.status, answer.body.error]).toEqual([JSON.stringify(body), 400, 'invalid_acknowledgement']);
      }
      const { body } = await client('NCB-IT').timeline(caseId);
      expect(body.entries[0].recipients).toEqual([{ party: 'NCB-GR', channel: 'feed', deliveredAt: expect.any(String), acknowledgedAt: null }]);
    });
  });

  describe('memberships through /v1/admin (admins only; each change an event)', () => {
    it('adds a member: messages accepted after the change reach it, those before keep the entitlement stored with them', async () => {
      const caseId = newCaseId();
      expect((await client('NCB-IT').post(messageOf('case.opened', { caseId }))).status).toBe(201);

      const before = await client('EUROPOL').request('GET', '/v1/admin/memberships');
      expect(before.status).toBe(200);
      expect(before.body.operations).toContainEqual({ id: 'OP-HYDRA-2026', members: ['EUROPOL', 'NCB-GR', 'NCB-IT'] });
      const changed = await put('EUROPOL', '/v1/admin/operations/OP-HYDRA-2026/members', {
        members: ['NCB-IT', 'NCB-GR', 'EUROPOL', 'NCB-ES'],
        expectedVersion: before.body.version,
      });
      expect(changed.status).toBe(200);
      expect(changed.body.version).toBe(before.body.version + 1);
      expect(changed.body.operations).toContainEqual({ id: 'OP-HYDRA-2026', members: ['EUROPOL', 'NCB-ES', 'NCB-GR', 'NCB-IT'] });

      const update = messageOf('case.updated', { caseId });
      expect((await client('NCB-IT').post(update)).status).toBe(201);
      const es = await readFeedUntil(client('NCB-ES'), 2, 1_500);
      expect(es.map((item) => item.delivery.messageId)).toEqual([update.header.messageId]);
      expect((await client('NCB-ES').timeline(caseId)).body.entries.map((entry: { caseVersion: number }) => entry.caseVersion)).toEqual([2]);

      const stale = await put('EUROPOL', '/v1/admin/operations/OP-HYDRA-2026/members', { members: ['NCB-IT'], expectedVersion: before.body.version });
      expect([stale.status, stale.body.error]).toEqual([409, 'membership_changed_meanwhile']);
    });

    it('removes a member: it receives nothing accepted after the change', async () => {
      const removed = await put('EUROPOL', '/v1/admin/task-forces/OTF-CENTRAL-MED/members', { members: ['NCB-IT', 'NCB-GR'] });
      expect(removed.status).toBe(200);
      expect(
        (
          await client('NCB-IT').post(
            messageOf('case.opened', { caseId: newCaseId(), header: { distribution: { scope: 'taskForce', taskForces: ['OTF-CENTRAL-MED'] } } }),
          )
        ).status,
      ).toBe(201);
      expect(await readFeedUntil(client('NCB-GR'), 1)).toHaveLength(1);
      expect(await readFeedUntil(client('FRONTEX'), 1, 500)).toEqual([]);
    });

    it('refuses non-admins (403), unknown groups (404) and unknown or repeated members (400), storing nothing', async () => {
      const notAdmin = await put('NCB-IT', '/v1/admin/operations/OP-HYDRA-2026/members', { members: ['NCB-IT'] });
      expect([notAdmin.status, notAdmin.body.error]).toEqual([403, 'not_an_admin']);
      expect((await client('NCB-IT').request('GET', '/v1/admin/memberships')).status).toBe(403);
      const unknown = await put('EUROPOL', '/v1/admin/operations/OP-NOPE/members', { members: ['NCB-IT'] });
      expect([unknown.status, unknown.body.error]).toEqual([404, 'group_not_found']);
      const bad = await put('EUROPOL', '/v1/admin/task-forces/OTF-CENTRAL-MED/members', { members: ['NCB-IT', 'NCB-IT', 'NCB-XX'], colour: 1 });
      expect([bad.status, bad.body.error]).toEqual([400, 'invalid_membership']);
      expect(bad.body.details.map((detail: { path: string }) => detail.path)).toEqual(['colour', 'members[1]', 'members[2]']);
      expect((await client('EUROPOL').request('GET', '/v1/admin/memberships')).body.version).toBe(0);
    });
  });
});
