import { Pool } from 'pg';
import { migrate } from '@cmx/event-store';
import { loadConfig, openEventStore, openKeyStore, openReadModelDatabase } from '@cmx/platform';
import { rebuildProjection } from '@cmx/projector/rebuild-projections/rebuild-projection';
import { PROJECTION_NAMES } from '@cmx/projector/project-events/projection';
import { engineTest } from './support/engines';
import { readModelRows } from './support/read-model-rows';
import { ExchangeClient } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, newCaseId } from './support/messages';
import { PersonalDataVault } from '@cmx/personal-data';

const HYDRA = { scope: 'operation', operations: ['OP-HYDRA-2026'] }; // NCB-IT, NCB-GR, EUROPOL
const TO_GR = { scope: 'recipients', recipients: ['NCB-GR'] };
function describeBoards(engine: string, setup: () => Promise<{ env: Record<string, string>; teardown: () => Promise<void> }>) {
  describe(`boards, case summaries and case lists (${engine})`, () => {
    let exchange: InProcessExchange;
    let env: Record<string, string>;
    let teardown: () => Promise<void>;
    const client = (party: string) => new ExchangeClient(exchange.baseUrl, party);
    const first = newCaseId();
    const second = newCaseId();
    const third = newCaseId('GR');

    beforeAll(async () => {
      ({ env, teardown } = await setup());
      exchange = await startInProcessExchange(env);
      env = { ...env, DATA_DIR: exchange.dataDir };
      const post = async (party: string, message: unknown) => {
        const answer = await client(party).post(message);
        expect([answer.status, answer.body]).toEqual([201, expect.anything()]);
      };
      await post('NCB-IT', messageOf('case.opened', {
        caseId: first,
        header: { distribution: HYDRA as never, priority: 'urgent' },
        body: {
          title: 'Zuwara departures',
          crimeAreas: ['migrant_smuggling', 'document_fraud'],
          route: { name: 'central_mediterranean', legs: [{ from: { country: 'LY' }, to: { country: 'IT' }, mode: 'sea', conveyance: 'rubber_dinghy' }] },
          persons: [{ ref: 'P1', role: 'organiser' }, { ref: 'P2', role: 'migrant' }],
          documents: [{ ref: 'D1', type: 'passport', number: 'X1', issuingCountry: 'SY', status: 'stolen', holderRef: 'P2' }],
          vessels: [{ ref: 'S1', name: 'AL AMAL', imo: '9123456', flag: 'LY' }],
          locations: [{ ref: 'L1', kind: 'departure_point', name: 'Zuwara beach', country: 'LY', lat: 32.93, lon: 12.08 }],
        },
      }));
      // Only NCB-GR (and the sender) may see this one: EUROPOL's board must not count it.
      await post('NCB-IT', messageOf('case.updated', {
        caseId: first,
        header: { distribution: TO_GR as never, priority: 'immediate' },
        body: { persons: [{ ref: 'P3', role: 'driver' }], vehicles: [{ ref: 'V1', plate: 'AB123CD', registrationCountry: 'BG' }] },
      }));
      await post('NCB-IT', messageOf('interception.reported', {
        caseId: first,
        header: { distribution: HYDRA as never, priority: 'routine' },
        body: { occurredAt: '2026-03-14T01:00:00Z', location: { kind: 'other', country: 'IT' }, mode: 'sea', conveyance: 'rubber_dinghy', migrants: { count: 40, deaths: 2, missing: 3 } },
      }));
      await post('NCB-IT', messageOf('case.opened', {
        caseId: second,
        header: { distribution: HYDRA as never, priority: 'routine' },
        body: { title: 'Balkan lorries', crimeAreas: ['migrant_smuggling'], persons: [{ ref: 'P1', role: 'organiser' }] },
      }));
      await post('NCB-IT', messageOf('case.closed', { caseId: second, header: { distribution: HYDRA as never, priority: 'routine' }, body: { reason: 'dismantled' } }));
      // Opened to NCB-IT alone, then assigned to the operation: on NCB-IT's board only.
      await post('NCB-GR', messageOf('case.opened', {
        caseId: third,
        sender: 'NCB-GR',
        header: { distribution: { scope: 'recipients', recipients: ['NCB-IT'] } as never, priority: 'urgent' },
        body: { title: 'Evros crossings', crimeAreas: ['trafficking_in_human_beings'] },
      }));
      await post('NCB-GR', messageOf('case.assigned', { caseId: third, sender: 'NCB-GR', header: { distribution: { scope: 'recipients', recipients: ['NCB-IT'] } as never }, body: { operationId: 'OP-HYDRA-2026' } }));

      const deadline = Date.now() + 15_000;
      while ((await client('NCB-IT').request('GET', '/v1/operations/OP-HYDRA-2026')).body.cases?.total !== 3) {
        if (Date.now() > deadline) throw new Error('the projector did not catch up');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }, 60_000);
    afterAll(async () => {
      await exchange.close();
      await teardown();
    });

    it('counts, for each member, only the messages it is entitled to (DESIGN.md counting rules)', async () => {
      const europol = await client('EUROPOL').request('GET', '/v1/operations/OP-HYDRA-2026');
      expect(europol.status).toBe(200);
      expect(europol.body).toMatchObject({
        id: 'OP-HYDRA-2026',
        kind: 'operation',
        members: ['EUROPOL', 'NCB-GR', 'NCB-IT'],
        cases: { total: 2, open: 1, closed: 1 },
        counts: {
          byCrimeArea: { document_fraud: 1, migrant_smuggling: 2 },
          byRoute: { central_mediterranean: 1 },
          byMessageType: { 'case.opened': 2, 'interception.reported': 1, 'case.closed': 1 },
          byPriority: { urgent: 1, routine: 3 },
        },
        persons: { byRole: { organiser: 2, migrant: 1 } },
        flaggedDocuments: [{ caseId: first, type: 'passport', number: 'X1', issuingCountry: 'SY', status: 'stolen' }],
        vessels: [{ caseId: first, name: 'AL AMAL', imo: '9123456', flag: 'LY' }],
        vehicles: [],
        locations: [{ caseId: first, kind: 'departure_point', name: 'Zuwara beach', country: 'LY', lat: 32.93, lon: 12.08 }],
        interceptions: { total: 1, migrants: 40, deaths: 2, missing: 3 },
      });

      const gr = (await client('NCB-GR').request('GET', '/v1/operations/OP-HYDRA-2026')).body;
      expect(gr.cases).toEqual({ total: 3, open: 2, closed: 1 }); // NCB-GR sent the third case
      expect(gr.persons.byRole).toEqual({ driver: 1, migrant: 1, organiser: 2 });
      expect(gr.counts.byPriority.immediate).toBe(1);
      expect(gr.vehicles).toEqual([{ caseId: first, plate: 'AB123CD', registrationCountry: 'BG' }]);

      const it = (await client('NCB-IT').request('GET', '/v1/operations/OP-HYDRA-2026')).body;
      expect(it.cases).toEqual({ total: 3, open: 2, closed: 1 });
      expect(it.counts.byCrimeArea).toEqual({ document_fraud: 1, migrant_smuggling: 2, trafficking_in_human_beings: 1 });
    });

    it('answers 404 to a non-member and for an unknown group, alike', async () => {
      const outsider = await client('FRONTEX').request('GET', '/v1/operations/OP-HYDRA-2026');
      const unknown = await client('FRONTEX').request('GET', '/v1/operations/OP-NONE');
      expect([outsider.status, outsider.body.error]).toEqual([404, 'group_not_found']);
      expect([unknown.status, unknown.body.error]).toEqual([404, 'group_not_found']);
      expect((await client('FRONTEX').request('GET', '/v1/operations/OP-HYDRA-2026/cases')).status).toBe(404);
      const taskForce = await client('FRONTEX').request('GET', '/v1/task-forces/OTF-CENTRAL-MED');
      expect(taskForce.status).toBe(200);
      expect(taskForce.body.cases.total).toBe(0);
    });

    it('serves the case summary to entitled parties only', async () => {
      const europol = await client('EUROPOL').request('GET', `/v1/cases/${first}`);
      expect(europol.status).toBe(200);
      expect(europol.body).toMatchObject({ caseId: first, status: 'open', owner: 'NCB-IT', title: 'Zuwara departures', version: 3 });
      expect(europol.body.persons.map((person: { ref: string }) => person.ref)).toEqual(['P1', 'P2']);
      const gr = (await client('NCB-GR').request('GET', `/v1/cases/${first}`)).body;
      expect(gr.persons.map((person: { ref: string }) => person.ref)).toEqual(['P1', 'P2', 'P3']);
      expect((await client('FRONTEX').request('GET', `/v1/cases/${first}`)).status).toBe(404);
      expect((await client('EUROPOL').request('GET', `/v1/cases/${third}`)).status).toBe(404);
    });

    it('lists a board’s cases newest first, filtered, paged by cursor', async () => {
      const list = (query: string) => client('NCB-IT').request('GET', `/v1/operations/OP-HYDRA-2026/cases${query}`);
      const all = await list('');
      expect(all.status).toBe(200);
      expect(all.body.cases.map((item: { caseId: string }) => item.caseId)).toEqual([third, second, first]);
      expect((await list('?status=closed')).body.cases.map((item: { caseId: string }) => item.caseId)).toEqual([second]);
      expect((await list('?crimeArea=document_fraud')).body.cases.map((item: { caseId: string }) => item.caseId)).toEqual([first]);
      expect((await list('?route=central_mediterranean')).body.cases.map((item: { caseId: string }) => item.caseId)).toEqual([first]);
      const future = await list('?updatedAfter=2999-01-01T00:00:00Z');
      expect(future.body).toEqual({ cases: [], nextCursor: null });

      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { cases: { caseId: string }[]; nextCursor: string | null } } = await list(`?limit=1${cursor ? `&after=${cursor}` : ''}`);
        pages.push(page.body.cases.map((item) => item.caseId));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(pages).toEqual([[third], [second], [first]]);
      for (const bad of ['?status=lost', '?limit=0', '?after=nope', '?updatedAfter=yesterday', '?colour=red']) {
        expect([bad, (await list(bad)).status]).toEqual([bad, 400]);
      }
    });

    it('answers a board again unchanged until it changes: a new message and a membership change each show at once', async () => {
      const board = async () => (await client('NCB-IT').request('GET', '/v1/operations/OP-HYDRA-2026')).body;
      const before = await board();
      expect(await board()).toEqual(before);

      const posted = await client('NCB-IT').post(messageOf('case.updated', { caseId: first, header: { distribution: HYDRA as never }, body: { summary: 'seen again' } }));
      expect(posted.status).toBe(201);
      const deadline = Date.now() + 10_000;
      while ((await client('NCB-IT').request('GET', `/v1/cases/${first}`)).body.summary !== 'seen again') {
        if (Date.now() > deadline) throw new Error('the projector did not fold the update');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const updated = await board();
      expect(updated.counts.byMessageType['case.updated']).toBe((before.counts.byMessageType['case.updated'] ?? 0) + 1);
      expect(updated.lastActivityAt > before.lastActivityAt).toBe(true);

      const members = (list: string[]) =>
        client('EUROPOL').request('PUT', '/v1/admin/operations/OP-HYDRA-2026/members', JSON.stringify({ members: list }));
      expect((await members([...before.members, 'FRONTEX'])).status).toBe(200);
      try {
        expect((await board()).members).toEqual([...before.members, 'FRONTEX'].sort());
      } finally {
        expect((await members(before.members)).status).toBe(200);
      }
      expect((await board()).members).toEqual(before.members);
    });

    it('shows each projection and its lag on /health: 0 once it holds the head', async () => {
      const deadline = Date.now() + 10_000;
      let health = await client('NCB-IT').request('GET', '/health');
      // The test before ends with a membership change, an event the projector passes over in its next batch.
      while (health.body.projections.boards.checkpoint !== health.body.projections.boards.head && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        health = await client('NCB-IT').request('GET', '/health');
      }
      expect(Object.keys(health.body.projections).sort()).toEqual([...PROJECTION_NAMES].sort());
      expect(health.body.projections.boards).toMatchObject({ lagMs: 0, checkpoint: health.body.projections.boards.head });
    });

    it('rebuilds each projection to exactly the model built live, while queries keep answering', async () => {
      const live = await readModelRows(env);
      const config = loadConfig(env);
      const store = await openEventStore(config);
      const keys = openKeyStore(config);
      const db = openReadModelDatabase(config);
      try {
        // In this thread, then in three worker threads, each folding a third of the cases.
        for (const parts of [1, 3]) {
          for (const name of PROJECTION_NAMES) {
            const querying = client('EUROPOL').request('GET', '/v1/operations/OP-HYDRA-2026');
            await rebuildProjection(store, db, name, new PersonalDataVault(keys), { parts, config });
            expect((await querying).status).toBe(200);
          }
          expect([parts, await readModelRows(env)]).toEqual([parts, live]);
        }
      } finally {
        await db.close();
        await keys.close();
        await store.close();
      }
      // The running projector goes on from the rebuilt checkpoint.
      await client('NCB-IT').post(messageOf('case.updated', { caseId: first, header: { distribution: HYDRA as never }, body: { summary: 'after the rebuild' } }));
      const deadline = Date.now() + 10_000;
      while ((await client('EUROPOL').request('GET', `/v1/cases/${first}`)).body.summary !== 'after the rebuild') {
        if (Date.now() > deadline) throw new Error('the projector did not resume after the rebuild');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }, 60_000);
  });
}

// One case in memory: every batch that touches another case reads it back from its rows.
describeBoards('SQLite', async () => ({ env: { PROJECTOR_CASES_IN_MEMORY: '1' }, teardown: async () => undefined }));

const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) {
  describeBoards('PostgreSQL', async () => {
    const schema = `cmx_boards_${process.pid}_${Date.now() % 1_000_000}`;
    const pool = new Pool({ connectionString: databaseUrl, max: 1 });
    await migrate(pool, schema);
    return {
      env: { EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, PROJECTOR_CASES_IN_MEMORY: '1' },
      teardown: async () => {
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.end();
      },
    };
  });
} else {
  engineTest('PostgreSQL', 'DATABASE_URL', 'boards, case summaries and case lists (PostgreSQL)', async () => undefined);
}
