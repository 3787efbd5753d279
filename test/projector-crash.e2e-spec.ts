import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { migrate } from '@cmx/event-store';
import { loadConfig, openEventStore, openKeyStore, openReadModelDatabase } from '@cmx/platform';
import { PROJECTION_NAMES } from '@cmx/projector/project-events/projection';
import { rebuildProjection } from '@cmx/projector/rebuild-projections/rebuild-projection';
import { engineTest } from './support/engines';
import { postCases } from './support/post-cases';
import { readModelRows } from './support/read-model-rows';
import { seededRandom } from './support/reference-entitlement';
import { ServiceProcess, startServiceProcess, whileKillingRepeatedly } from './support/service-process';
import { PersonalDataVault } from '@cmx/personal-data';

/**
 * The projector running alone (`npm run start:projector`), killed with SIGKILL
 * at random points while gateways take messages: once it has caught up, its
 * read models must equal a rebuild from the store, row for row. It keeps only
 * 16 of the 120 cases in memory, so most batches read cases back from their rows.
 */
describe('the projector killed -9 during a run: restart-safe and idempotent', () => {
  const processes: ServiceProcess[] = [];
  const dataDirs: string[] = [];
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((service) => service.stop()));
  });
  afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  async function run(settings: Record<string, string>, gatewayCount: number): Promise<void> {
    const env = { ...settings, PROJECTOR_CASES_IN_MEMORY: '16' };
    const gateways = await Promise.all(Array.from({ length: gatewayCount }, () => startServiceProcess('gateway', env)));
    processes.push(...gateways);
    const { survivor: projector, kills } = await whileKillingRepeatedly('projector', env, seededRandom(3), { minMs: 200, spreadMs: 1000, minKills: 2 }, () =>
      postCases(
        gateways.map((gateway) => gateway.baseUrl),
        120,
        10,
        23,
      ),
    );
    processes.push(projector);
    expect(kills).toBeGreaterThanOrEqual(2);

    const deadline = Date.now() + 60_000;
    for (;;) {
      const { projections } = (await (await fetch(`${projector.baseUrl}/health`)).json()) as {
        projections: Record<string, { checkpoint: string; head: string }>;
      };
      if (PROJECTION_NAMES.every((name) => projections[name].checkpoint === projections[name].head)) break;
      if (Date.now() > deadline) throw new Error(`the projector did not catch up: ${JSON.stringify(projections)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await projector.stop();
    processes.splice(processes.indexOf(projector), 1);

    const live = await readModelRows(env);
    expect(live.case_summaries.length).toBeGreaterThan(120);
    const config = loadConfig(env);
    const store = await openEventStore(config);
    const keys = openKeyStore(config);
    const db = openReadModelDatabase(config);
    try {
      for (const parts of [1, 3]) {
        for (const name of PROJECTION_NAMES) await rebuildProjection(store, db, name, new PersonalDataVault(keys), { parts, config });
        expect([parts, await readModelRows(env)]).toEqual([parts, live]);
      }
    } finally {
      await db.close();
      await keys.close();
      await store.close();
    }
  }

  const newDataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmx-projector-'));
    dataDirs.push(dir);
    return dir;
  };

  it('on SQLite (one gateway)', () => run({ DATA_DIR: newDataDir() }, 1), 240_000);

  engineTest(
    'PostgreSQL',
    'DATABASE_URL',
    'on PostgreSQL (three gateways)',
    async (databaseUrl) => {
      const schema = `cmx_projector_${process.pid}_${Date.now() % 1_000_000}`;
      const pool = new Pool({ connectionString: databaseUrl, max: 1 });
      try {
        await migrate(pool, schema);
        await run({ DATA_DIR: newDataDir(), EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema }, 3);
      } finally {
        await Promise.all(processes.splice(0).map((service) => service.stop()));
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.end();
      }
    },
    240_000,
  );
});
