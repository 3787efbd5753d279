import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { migrate } from '@cmx/event-store';
import { engineTest } from './support/engines';
import { DEMO_KEYS, ExchangeClient } from './support/exchange-client';
import { FeedItem, readFeedUntil } from './support/feed';
import { Posted, postCases } from './support/post-cases';
import { DEMO_PARTY_CODES, seededRandom } from './support/reference-entitlement';
import { ServiceProcess, startServiceProcess, whileKillingRepeatedly } from './support/service-process';

/**
 * The feed served by the dispatcher running alone (`npm run start:dispatcher`, DELIVERY=feed), fed by
 * gateways in other processes, while the dispatcher is killed with SIGKILL at random points.
 */
describe('the feed across processes, with the dispatcher killed -9 during the run', () => {
  const processes: ServiceProcess[] = [];
  const dataDirs: string[] = [];
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((service) => service.stop()));
  });
  afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  async function run(env: Record<string, string>, gatewayCount: number): Promise<void> {
    const gateways = await Promise.all(Array.from({ length: gatewayCount }, () => startServiceProcess('gateway', env)));
    processes.push(...gateways);
    const {
      result: posted,
      survivor: dispatcher,
      kills,
    } = await whileKillingRepeatedly('dispatcher', env, seededRandom(5), { minMs: 300, spreadMs: 1200, minKills: 2 }, () =>
      postCases(
        gateways.map((gateway) => gateway.baseUrl),
        150,
        10,
        17,
      ),
    );
    processes.push(dispatcher);
    expect(kills).toBeGreaterThanOrEqual(2);

    for (const party of DEMO_PARTY_CODES) {
      const expected = posted.filter((message) => message.recipients.includes(party));
      const items = await readFeedUntil(new ExchangeClient(dispatcher.baseUrl, party, DEMO_KEYS[party]), expected.length, 60_000);
      expectExactFeed(party, expected, items);
    }
  }

  /** Exactly the expected messages, no repeat, in cursor order, each case in case-version order. */
  function expectExactFeed(party: string, expected: readonly Posted[], items: readonly FeedItem[]): void {
    const ids = items.map((item) => item.delivery.messageId);
    expect([party, new Set(ids).size]).toEqual([party, ids.length]);
    expect([party, [...ids].sort()]).toEqual([party, expected.map((message) => message.messageId).sort()]);
    const cursors = items.map((item) => BigInt(item.cursor));
    cursors.slice(1).forEach((cursor, index) => expect(cursor > cursors[index]).toBe(true));
    const lastVersion = new Map<string, number>();
    for (const { delivery } of items) {
      expect(delivery.caseVersion).toBeGreaterThan(lastVersion.get(delivery.caseId) ?? 0);
      lastVersion.set(delivery.caseId, delivery.caseVersion);
    }
  }

  const newDataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmx-feed-'));
    dataDirs.push(dir);
    return dir;
  };

  it('on SQLite (one gateway): every party’s feed holds exactly its deliveries, once each, in order', async () => {
    await run({ DATA_DIR: newDataDir(), DELIVERY: 'feed' }, 1);
  }, 240_000);

  engineTest(
    'PostgreSQL',
    'DATABASE_URL',
    'on PostgreSQL (three gateways): the same',
    async (databaseUrl) => {
      const schema = `cmx_feed_${process.pid}_${Date.now() % 1_000_000}`;
      const pool = new Pool({ connectionString: databaseUrl, max: 1 });
      try {
        await migrate(pool, schema);
        await run({ DATA_DIR: newDataDir(), DELIVERY: 'feed', EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema }, 3);
      } finally {
        await Promise.all(processes.splice(0).map((service) => service.stop()));
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.end();
      }
    },
    240_000,
  );
});
