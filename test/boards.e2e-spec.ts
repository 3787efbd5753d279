import { Pool } from 'pg';
import { migrate } from '@cmx/event-store';
import { loadConfig, openEventStore, openKeyStore, openReadModelDatabase } from '@cmx/platform';
import { rebuildProjection } from '@cmx/projector/rebuild-projections/rebuild-projection';
import { PROJECTION_NAMES } from '@cmx/projector/project-events/projection';
import { describeWithEngineSetting } from './support/engines';
import { readModelRows } from './support/read-model-rows';
import { ExchangeClient } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, newCaseId } from './support/messages';
import { readAuditLog, waitUntil } from './support/audit-log';
import { erasureRequest, eventually, projectionsCaughtUp } from './support/erasure';
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
      await post(
        'NCB-IT',
        messageOf('case.opened', {
          caseId: first,
          header: { distribution: HYDRA as never, priority: 'urgent' },
          body: {
            title: 'Zuwara departures',
            crimeAreas: ['migrant_smuggling', 'document_fraud'],
            route: { name: 'central_mediterranean', legs: [{ from: { country: 'LY' }, to: { country: 'IT' }, mode: 'sea', conveyance: 'rubber_dinghy' }] },
            persons: [
              { ref: 'P1', role: 'organiser', familyName: 'ROSSI', dateOfBirth: '1980-01-02', nationalities: ['LY'] },
              { ref: 'P2', role: 'migrant' },
            ],
            documents: [
              { ref: 'D1', type: 'passport', number: 'X1', issuingCountry: 'SY', status: 'stolen', holderRef: 'P2' },
              { ref: 'D2', type: 'id_card', number: 'Y2', status: 'genuine' },
            ],
            vessels: [{ ref: 'S1', name: 'AL AMAL', imo: '9123456', mmsi: '642123456', flag: 'LY' }],
            locations: [
              { ref: 'L1', kind: 'departure_point', name: 'Zuwara beach', country: 'LY', lat: 32.93, lon: 12.08 },
              { ref: 'L2', kind: 'safe_house', name: 'Zuwara farm', country: 'LY' },
            ],
          },
        }),
      );
      // Only NCB-GR (and the sender) may see this one: EUROPOL's board must not count it.
      await post(
        'NCB-IT',
        messageOf('case.updated', {
          caseId: first,
          header: { distribution: TO_GR as never, priority: 'immediate' },
          body: { persons: [{ ref: 'P3', role: 'driver' }], vehicles: [{ ref: 'V1', plate: 'AB123CD', registrationCountry: 'BG' }] },
        }),
      );
      await post(
        'NCB-IT',
        messageOf('interception.reported', {
          caseId: first,
          header: { distribution: HYDRA as never, priority: 'routine' },
          body: {
            occurredAt: '2026-03-14T01:00:00Z',
            location: { kind: 'other', country: 'IT' },
            mode: 'sea',
            conveyance: 'rubber_dinghy',
            migrants: { count: 40, deaths: 2, missing: 3 },
          },
        }),
      );
      await post(
        'NCB-IT',
        messageOf('case.opened', {
          caseId: second,
          header: { distribution: HYDRA as never, priority: 'routine' },
          body: {
            title: 'Balkan lorries',
            crimeAreas: ['migrant_smuggling'],
            persons: [{ ref: 'P1', role: 'organiser' }],
            locations: [{ ref: 'L1', kind: 'landing_point', name: 'Lampedusa harbour', country: 'IT', lat: 35.5, lon: 12.6 }],
          },
        }),
      );
      await post(
        'NCB-IT',
        messageOf('case.closed', { caseId: second, header: { distribution: HYDRA as never, priority: 'routine' }, body: { reason: 'dismantled' } }),
      );
      // Opened to NCB-IT alone, then assigned to the operation: on NCB-IT's board only.
      await post(
        'NCB-GR',
        messageOf('case.opened', {
          caseId: third,
          sender: 'NCB-GR',
          header: { distribution: { scope: 'recipients', recipients: ['NCB-IT'] } as never, priority: 'urgent' },
          body: { title: 'Evros crossings', crimeAreas: ['trafficking_in_human_beings'] },
        }),
      );
      await post(
        'NCB-GR',
        messageOf('case.assigned', {
          caseId: third,
          sender: 'NCB-GR',
          header: { distribution: { scope: 'recipients', recipients: ['NCB-IT'] } as never },
          body: { operationId: 'OP-HYDRA-2026' },
        }),
      );

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
        flaggedDocuments: { total: 1, recent: [{ caseId: first, personRef: 'P2', type: 'passport', number: 'X1', issuingCountry: 'SY', status: 'stolen' }] },
        vessels: { total: 1, recent: [{ caseId: first, name: 'AL AMAL', imo: '9123456', flag: 'LY' }] },
        vehicles: { total: 0, recent: [] },
        // Newest first: the second case's last message came after the first's.
        locations: {
          total: 3,
          recent: [
            { caseId: second, kind: 'landing_point', name: 'Lampedusa harbour', country: 'IT', lat: 35.5, lon: 12.6 },
            { caseId: first, kind: 'safe_house', name: 'Zuwara farm', country: 'LY' },
            { caseId: first, kind: 'departure_point', name: 'Zuwara beach', country: 'LY', lat: 32.93, lon: 12.08 },
          ],
        },
        interceptions: { total: 1, migrants: 40, deaths: 2, missing: 3 },
      });

      const gr = (await client('NCB-GR').request('GET', '/v1/operations/OP-HYDRA-2026')).body;
      expect(gr.cases).toEqual({ total: 3, open: 2, closed: 1 }); // NCB-GR sent the third case
      expect(gr.persons.byRole).toEqual({ driver: 1, migrant: 1, organiser: 2 });
      expect(gr.counts.byPriority.immediate).toBe(1);
      expect(gr.vehicles).toEqual({ total: 1, recent: [{ caseId: first, plate: 'AB123CD', registrationCountry: 'BG' }] });

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

    const list = (party: string, path: string, headers: Record<string, string> = {}) =>
      client(party).request('GET', `/v1/operations/OP-HYDRA-2026/${path}`, undefined, headers);
    /** Every item of a list (`path` after the board's), following nextCursor; the pages' sizes too. */
    const wholeList = async (party: string, path: string, limit: number, board = '/v1/operations/OP-HYDRA-2026') => {
      const items: unknown[] = [];
      const pages: number[] = [];
      let cursor: string | null = null;
      do {
        const separator = path.includes('?') ? '&' : '?';
        const page: { status: number; body: { items: unknown[]; nextCursor: string | null } } = await client(party).request(
          'GET',
          `${board}/${path}${separator}limit=${limit}${cursor ? `&after=${cursor}` : ''}`,
        );
        expect([path, page.status]).toEqual([path, 200]);
        items.push(...page.body.items);
        pages.push(page.body.items.length);
        cursor = page.body.nextCursor;
      } while (cursor);
      return { items, pages };
    };

    it('pages every list of the board newest first (the case’s last activity, then case id, then the item’s place in it), each item as its list shows it', async () => {
      const gr = async (path: string) => {
        const answer = await list('NCB-GR', path);
        expect([path, answer.status, answer.body.nextCursor]).toEqual([path, 200, null]);
        return answer.body.items;
      };
      expect(await gr('documents')).toEqual([
        { caseId: first, type: 'id_card', number: 'Y2', status: 'genuine' },
        { caseId: first, personRef: 'P2', type: 'passport', number: 'X1', issuingCountry: 'SY', status: 'stolen' },
      ]);
      expect(await gr('vessels')).toEqual([{ caseId: first, name: 'AL AMAL', imo: '9123456', flag: 'LY' }]);
      expect(await gr('vehicles')).toEqual([{ caseId: first, plate: 'AB123CD', registrationCountry: 'BG' }]);
      expect(await gr('locations')).toEqual([
        { caseId: second, kind: 'landing_point', name: 'Lampedusa harbour', country: 'IT', lat: 35.5, lon: 12.6 },
        { caseId: first, kind: 'safe_house', name: 'Zuwara farm', country: 'LY' },
        { caseId: first, kind: 'departure_point', name: 'Zuwara beach', country: 'LY', lat: 32.93, lon: 12.08 },
      ]);
      expect(await gr('interceptions')).toEqual([{ caseId: first, occurredAt: '2026-03-14T01:00:00Z', migrants: 40, deaths: 2, missing: 3 }]);
      const persons = await gr('persons');
      expect(persons).toEqual([
        { caseId: second, ref: 'P1', role: 'organiser' },
        { caseId: first, ref: 'P3', role: 'driver' },
        { caseId: first, ref: 'P2', role: 'migrant' },
        { caseId: first, ref: 'P1', role: 'organiser', nationalities: ['LY'] },
      ]);
      // Names and dates of birth stay in the case summary.
      expect(JSON.stringify((await client('NCB-GR').request('GET', `/v1/cases/${first}`)).body)).toContain('ROSSI');
      expect(JSON.stringify(persons)).not.toMatch(/ROSSI|1980-01-02/);
      // EUROPOL is not entitled to the update that named P3 and the vehicle.
      expect((await list('EUROPOL', 'persons')).body.items.map((person: { ref: string }) => person.ref)).toEqual(['P1', 'P2', 'P1']);
      expect((await list('EUROPOL', 'vehicles')).body).toEqual({ items: [], nextCursor: null });
    });

    it('filters documents by status (flagged: any of the flagged statuses) and type, locations by kind, persons by role; the board’s flagged documents are documents?status=flagged', async () => {
      const items = async (path: string) => (await list('NCB-IT', path)).body.items;
      const board = (await client('NCB-IT').request('GET', '/v1/operations/OP-HYDRA-2026')).body;
      const flagged = await items('documents?status=flagged');
      expect(flagged.map((document: { number: string }) => document.number)).toEqual(['X1']);
      expect(board.flaggedDocuments).toEqual({ total: flagged.length, recent: flagged });
      expect((await items('documents?status=stolen')).map((document: { number: string }) => document.number)).toEqual(['X1']);
      expect((await items('documents?status=genuine')).map((document: { number: string }) => document.number)).toEqual(['Y2']);
      expect(await items('documents?status=forged')).toEqual([]);
      expect((await items('documents?type=id_card')).map((document: { number: string }) => document.number)).toEqual(['Y2']);
      expect((await items('documents?status=flagged&type=passport')).map((document: { number: string }) => document.number)).toEqual(['X1']);
      expect(await items('documents?status=flagged&type=id_card')).toEqual([]);
      expect((await items('locations?kind=safe_house')).map((location: { name: string }) => location.name)).toEqual(['Zuwara farm']);
      expect(await items('locations?kind=hotspot')).toEqual([]);
      expect((await items('persons?role=organiser')).map((person: { caseId: string }) => person.caseId)).toEqual([second, first]);
      expect((await items('persons?role=driver')).map((person: { ref: string }) => person.ref)).toEqual(['P3']);
      expect(await items('persons?role=unknown')).toEqual([]);
    });

    it('pages a list by its cursor with no item repeated and none left out, the last page’s nextCursor null', async () => {
      for (const path of ['persons', 'locations', 'documents', 'persons?role=organiser']) {
        const whole = (await list('NCB-IT', `${path}${path.includes('?') ? '&' : '?'}limit=500`)).body.items;
        for (const limit of [1, 2, 3]) {
          const paged = await wholeList('NCB-IT', path, limit);
          expect([path, limit, paged.items]).toEqual([path, limit, whole]);
          expect([path, limit, paged.pages.slice(0, -1).every((size) => size === limit)]).toEqual([path, limit, true]);
        }
      }
      expect((await wholeList('NCB-IT', 'persons', 1)).pages).toEqual([1, 1, 1, 1]);
    });

    it('answers …/locations as a GeoJSON FeatureCollection of the located ones to Accept: application/geo+json, paged the same way', async () => {
      const geo = { accept: 'application/geo+json' };
      const answer = await list('NCB-IT', 'locations', geo);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/geo\+json/);
      expect(answer.headers.get('vary')).toMatch(/accept/i);
      expect(answer.body).toEqual({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [12.6, 35.5] },
            properties: { caseId: second, kind: 'landing_point', name: 'Lampedusa harbour', country: 'IT' },
          },
          {
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [12.08, 32.93] },
            properties: { caseId: first, kind: 'departure_point', name: 'Zuwara beach', country: 'LY' },
          },
        ],
        nextCursor: null,
      });
      const firstPage = await list('NCB-IT', 'locations?limit=1', geo);
      expect(firstPage.body.features.map((feature: { properties: { caseId: string } }) => feature.properties.caseId)).toEqual([second]);
      const secondPage = await list('NCB-IT', `locations?limit=1&after=${firstPage.body.nextCursor}`, geo);
      expect(secondPage.body).toEqual({ type: 'FeatureCollection', features: [answer.body.features[1]], nextCursor: null });
      expect((await list('NCB-IT', 'locations?kind=safe_house', geo)).body.features).toEqual([]);
      // Plain JSON otherwise, and when JSON is preferred.
      expect((await list('NCB-IT', 'locations', { accept: 'application/json, application/geo+json;q=0.5' })).headers.get('content-type')).toMatch(
        /^application\/json/,
      );
      expect((await list('NCB-IT', 'documents', geo)).body.items).toHaveLength(2);
    });

    it('writes a consult entry naming the cases of the page for each read of a list', async () => {
      const requestId = `boards-list-${Date.now()}`;
      const page = await list('NCB-GR', 'persons?limit=2', { 'x-request-id': requestId });
      expect(page.body.items.map((person: { caseId: string }) => person.caseId)).toEqual([second, first]);
      await waitUntil('the list read’s entry', async () =>
        (await readAuditLog(exchange.baseUrl, { query: { party: 'NCB-GR' } })).items.some((item) => item.requestId === requestId),
      );
      const entry = (await readAuditLog(exchange.baseUrl, { query: { party: 'NCB-GR' } })).items.find((item) => item.requestId === requestId)!;
      expect({ ...entry, caseIds: [...entry.caseIds].sort() }).toMatchObject({ operation: 'consult', party: 'NCB-GR', caseIds: [first, second].sort() });
    });

    it('answers 404 for each list to a non-member and for an unknown group, as for the board; 404 for a list it does not have', async () => {
      for (const path of ['documents', 'vessels', 'vehicles', 'locations', 'interceptions', 'persons', 'documents?status=flagged']) {
        const outsider = await list('FRONTEX', path);
        const unknown = await client('NCB-IT').request('GET', `/v1/operations/OP-NONE/${path}`);
        const unknownTaskForce = await client('NCB-IT').request('GET', `/v1/task-forces/OTF-NONE/${path}`);
        expect([path, outsider.status, outsider.body.error, unknown.status, unknown.body.error, unknownTaskForce.status]).toEqual([
          path,
          404,
          'group_not_found',
          404,
          'group_not_found',
          404,
        ]);
        const member = await client('FRONTEX').request('GET', `/v1/task-forces/OTF-CENTRAL-MED/${path}`);
        expect([path, member.status]).toEqual([path, 200]);
      }
      const notAList = await list('NCB-IT', 'payments');
      expect([notAList.status, notAList.body.error]).toEqual([404, 'route_not_found']);
    });

    it('refuses unknown parameters, a bad cursor, a bad limit and a filter value or filter the list does not have: 400 with field violations', async () => {
      for (const [path, field] of [
        ['persons?colour=red', 'colour'],
        ['persons?limit=0', 'limit'],
        ['persons?limit=501', 'limit'],
        ['persons?limit=ten', 'limit'],
        ['persons?after=nope', 'after'],
        [`persons?after=${Buffer.from('["2026-03-01T10:00:00.000Z","IT-1",-1]').toString('base64url')}`, 'after'],
        ['documents?status=lost-ish', 'status'],
        ['documents?type=banknote', 'type'],
        ['vessels?status=stolen', 'status'],
        ['locations?kind=beach', 'kind'],
        ['locations?role=migrant', 'role'],
        ['persons?role=chef', 'role'],
      ]) {
        const answer = await list('NCB-IT', path);
        expect([path, answer.status, answer.body.error, answer.body.details?.map((detail: { path: string }) => detail.path)]).toEqual([
          path,
          400,
          'invalid_query',
          [field],
        ]);
      }
      expect((await list('NCB-IT', 'persons?limit=500')).status).toBe(200);
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

      const posted = await client('NCB-IT').post(
        messageOf('case.updated', { caseId: first, header: { distribution: HYDRA as never }, body: { summary: 'seen again' } }),
      );
      expect(posted.status).toBe(201);
      const deadline = Date.now() + 10_000;
      while ((await client('NCB-IT').request('GET', `/v1/cases/${first}`)).body.summary !== 'seen again') {
        if (Date.now() > deadline) throw new Error('the projector did not fold the update');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const updated = await board();
      expect(updated.counts.byMessageType['case.updated']).toBe((before.counts.byMessageType['case.updated'] ?? 0) + 1);
      expect(updated.lastActivityAt > before.lastActivityAt).toBe(true);

      const members = (list: string[]) => client('EUROPOL').request('PUT', '/v1/admin/operations/OP-HYDRA-2026/members', JSON.stringify({ members: list }));
      expect((await members([...before.members, 'FRONTEX'])).status).toBe(200);
      try {
        expect((await board()).members).toEqual([...before.members, 'FRONTEX'].sort());
      } finally {
        expect((await members(before.members)).status).toBe(200);
      }
      expect((await board()).members).toEqual(before.members);
    });

    it('keeps the board answer under 64 KiB whatever its cases hold: 30 cases with names of 200 characters in every list', async () => {
      const long = (index: number) => `${index} `.padEnd(200, '\u0001');
      const caseIds = Array.from({ length: 30 }, () => newCaseId());
      for (const [index, caseId] of caseIds.entries()) {
        const answer = await client('NCB-IT').post(
          messageOf('case.opened', {
            caseId,
            header: { distribution: { scope: 'taskForce', taskForces: ['OTF-CENTRAL-MED'] } as never },
            body: {
              title: `Long names ${index}`,
              persons: [{ ref: 'P1', role: 'migrant' }],
              documents: [{ ref: 'D1', type: 'passport', number: long(index), issuingCountry: 'SY', status: 'forged', holderRef: 'P1' }],
              vessels: [{ ref: 'S1', name: long(index), flag: 'LY' }],
              vehicles: [{ ref: 'V1', plate: long(index), registrationCountry: 'BG' }],
              locations: [{ ref: 'L1', kind: 'hotspot', name: long(index), country: 'LY', lat: 33, lon: 11 }],
            },
          }),
        );
        expect([index, answer.status]).toEqual([index, 201]);
      }
      const read = () => client('NCB-IT').request('GET', '/v1/task-forces/OTF-CENTRAL-MED');
      await eventually(read, (answer) => answer.body.cases?.total === 30, 'the task force board holding the 30 cases');
      const answer = await read();

      const bytes = Number(answer.headers.get('content-length'));
      expect(bytes).toBe(Buffer.byteLength(JSON.stringify(answer.body)));
      expect(bytes).toBeLessThan(64 * 1024);
      for (const name of ['flaggedDocuments', 'vessels', 'vehicles', 'locations']) {
        const { total, recent } = answer.body[name];
        // Twenty of these would take about 25 KB a list: fewer are shown, the newest.
        expect([name, total, recent.length > 0 && recent.length < 20, recent[0].caseId]).toEqual([name, 30, true, caseIds[29]]);
      }
      const vessels = await wholeList('NCB-IT', 'vessels', 7, '/v1/task-forces/OTF-CENTRAL-MED');
      expect(vessels.items.map((vessel) => (vessel as { caseId: string }).caseId)).toEqual([...caseIds].reverse());
    });

    it('shows an erased person and the document it holds in every list as the case summary does, and keeps their values out of the rows', async () => {
      const erased = await erasureRequest(client('NCB-IT'), first, { personRefs: ['P2'], reason: 'request of the data subject', legalBasis: 'LED Art. 16' });
      expect(erased.status).toBe(201);
      const persons = await eventually(
        async () => (await list('NCB-GR', 'persons')).body.items as { caseId: string; ref: string }[],
        (items) => items.some((person) => person.ref === 'P2' && 'erased' in person),
        'the erasure in the persons list',
      );
      expect(persons.filter((person) => person.caseId === first)).toEqual([
        { caseId: first, ref: 'P3', role: 'driver' },
        { caseId: first, ref: 'P2', erased: true },
        { caseId: first, ref: 'P1', role: 'organiser', nationalities: ['LY'] },
      ]);
      const summary = (await client('NCB-GR').request('GET', `/v1/cases/${first}`)).body;
      expect(summary.persons[1]).toEqual({ ref: 'P2', erased: true });
      expect(summary.documents[0]).toEqual({ ref: 'D1', erased: true });
      expect((await list('NCB-GR', 'documents')).body.items).toEqual([
        { caseId: first, type: 'id_card', number: 'Y2', status: 'genuine' },
        { caseId: first, erased: true },
      ]);
      const board = (await client('NCB-GR').request('GET', '/v1/operations/OP-HYDRA-2026')).body;
      expect(board.flaggedDocuments).toEqual({ total: 0, recent: [] });
      expect((await list('NCB-GR', 'documents?status=flagged')).body.items).toEqual([]);
      await projectionsCaughtUp(client('NCB-IT'));
      const items = ((await readModelRows(env)).board_items as { item: string }[]).map((row) => row.item).join('\n');
      expect(items).toContain('"number":"Y2"');
      expect(items).not.toMatch(/"number":"X1"|"personRef":"P2"/);
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
      await client('NCB-IT').post(
        messageOf('case.updated', { caseId: first, header: { distribution: HYDRA as never }, body: { summary: 'after the rebuild' } }),
      );
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

describeWithEngineSetting('PostgreSQL', 'DATABASE_URL', 'on PostgreSQL', (databaseUrl) => {
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
});
