import { FLAGGED_DOCUMENT_CONDITION } from '../read-model-tables';
import type { SqlDatabase, SqlRow, SqlValue } from '../sql-database.port';

const T1 = '2025-03-01T10:00:00.000Z';
const T2 = '2025-03-01T10:05:00.123Z';
const T3 = '2025-03-01T11:00:00.999Z';
const NL = 'NCB-NL';
const BE = 'NCB-BE';
/** Any error, whichever realm made it: toThrow() misses the errors of a native module loaded by an earlier test file of the worker. */
const AN_ERROR = { message: expect.any(String) };

const UPSERT_CHECKPOINT = `INSERT INTO projection_checkpoints (projection, position, generation, updated_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (projection) DO UPDATE SET position = excluded.position, generation = excluded.generation, updated_at = excluded.updated_at`;
const INSERT_SUMMARY = 'INSERT INTO case_summaries (reader, case_id, body) VALUES (?, ?, ?)';
/** The column after `listing` holds a case's board contribution; these tests leave it fixed. */
const INSERT_BOARD_CASE = `INSERT INTO board_cases (reader, kind, group_id, case_id, status, route, crime_areas, last_activity_at, listing, contribution)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '{}')`;
const INSERT_BOARD_ITEM = `INSERT INTO board_items (reader, kind, group_id, list, last_activity_at, case_id, item_index, facet, facet2, item)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * The behaviour every SqlDatabase adapter must show, on the real read-model
 * tables, as a jest suite. Call it at the top level of an adapter's
 * *.int-spec.ts. `open` opens a database on storage of its own, with the
 * read-model tables and no rows; the suite closes every database it opened
 * after each test (but those a test closed itself).
 */
export function describeSqlDatabaseConformance(name: string, open: () => Promise<SqlDatabase>): void {
  describe(`SqlDatabase conformance: ${name}`, () => {
    const opened: SqlDatabase[] = [];
    let db: SqlDatabase;

    /** For a test that closes `db` itself: the suite does not close it again. */
    const closedByTheTest = (): void => {
      opened.splice(opened.indexOf(db), 1);
    };

    beforeEach(async () => {
      db = await open();
      opened.push(db);
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((each) => each.close()));
    });

    it(`names its engine`, () => {
      expect(['sqlite', 'postgres']).toContain(db.engine);
    });

    describe('placeholders', () => {
      it('binds `?` placeholders in order, in statements and in queries, a null included', async () => {
        const changed = await db.run(INSERT_BOARD_CASE, [NL, 'operation', 'op-1', 'case-1', 'open', null, ',smuggling,', T1, '{"caseId":"case-1"}']);

        expect(changed).toBe(1);
        expect(await db.query('SELECT * FROM board_cases WHERE reader = ? AND kind = ? AND group_id = ?', [NL, 'operation', 'op-1'])).toEqual([
          {
            reader: NL,
            kind: 'operation',
            group_id: 'op-1',
            case_id: 'case-1',
            status: 'open',
            route: null,
            crime_areas: ',smuggling,',
            last_activity_at: T1,
            listing: '{"caseId":"case-1"}',
            contribution: '{}',
          },
        ]);
        expect(await db.query('SELECT case_id FROM board_cases WHERE reader = ? AND kind = ? AND group_id = ?', ['operation', NL, 'op-1'])).toEqual([]);
      });

      it('binds a query as the boards are read: LIKE, a value repeated, LIMIT last', async () => {
        const cases: [string, string, string, string][] = [
          // case id, status, crime areas, last activity
          ['case-a', 'open', ',smuggling,', T1],
          ['case-b', 'open', ',smuggling,trafficking,', T2],
          ['case-c', 'open', ',smuggling,', T2],
          ['case-d', 'closed', ',smuggling,', T2],
          ['case-e', 'open', ',trafficking,', T2],
          ['case-f', 'open', ',smuggling,', T3],
        ];
        for (const [caseId, status, crimeAreas, at] of cases) {
          await db.run(INSERT_BOARD_CASE, [NL, 'task-force', 'tf-1', caseId, status, 'sea', crimeAreas, at, `{"caseId":"${caseId}"}`]);
        }
        await db.run(INSERT_BOARD_CASE, [BE, 'task-force', 'tf-1', 'case-z', 'open', 'sea', ',smuggling,', T2, '{}']);

        // After (T2, case-c): case-b at T2, then case-a at T1; the limit keeps the first.
        const page = (limit: number) =>
          db.query<{ case_id: string }>(
            `SELECT case_id FROM board_cases
             WHERE reader = ? AND kind = ? AND group_id = ? AND status = ? AND crime_areas LIKE ?
               AND (last_activity_at < ? OR (last_activity_at = ? AND case_id < ?))
             ORDER BY last_activity_at DESC, case_id DESC LIMIT ?`,
            [NL, 'task-force', 'tf-1', 'open', '%,smuggling,%', T2, T2, 'case-c', limit],
          );

        expect(await page(10)).toEqual([{ case_id: 'case-b' }, { case_id: 'case-a' }]);
        expect(await page(1)).toEqual([{ case_id: 'case-b' }]);
        expect(await page(0)).toEqual([]);
      });

      it('binds a query as the board lists are read: a row value compared, literals in an IN list, three columns in descending order', async () => {
        const items: [string, string, number, string | null][] = [
          // last activity, case id, item index, facet
          [T1, 'case-a', 0, 'stolen'],
          [T2, 'case-b', 0, 'genuine'],
          [T2, 'case-b', 1, 'forged'],
          [T2, 'case-b', 2, 'stolen'],
          [T2, 'case-c', 0, null],
          [T3, 'case-a', 1, 'lost'],
        ];
        for (const [at, caseId, index, facet] of items) {
          await db.run(INSERT_BOARD_ITEM, [NL, 'operation', 'op-1', 'documents', at, caseId, index, facet, null, `{"index":${index}}`]);
        }
        await db.run(INSERT_BOARD_ITEM, [BE, 'operation', 'op-1', 'documents', T2, 'case-b', 5, 'stolen', null, '{}']);

        // After (T2, case-b, 2): case-b's items 1 and 0, then case-a's item at T1; the flagged ones of them: case-b 1 and case-a 0.
        const after = (condition: string, limit: number) =>
          db.query<{ case_id: string; item_index: SqlValue }>(
            `SELECT case_id, item_index FROM board_items
             WHERE reader = ? AND kind = ? AND group_id = ? AND list = ? AND ${condition} AND (last_activity_at, case_id, item_index) < (?, ?, ?)
             ORDER BY last_activity_at DESC, case_id DESC, item_index DESC LIMIT ?`,
            [NL, 'operation', 'op-1', 'documents', T2, 'case-b', 2, limit],
          );
        const read = (rows: { case_id: string; item_index: SqlValue }[]) => rows.map((row) => [row.case_id, Number(row.item_index)]);

        expect(read(await after('1 = 1', 10))).toEqual([
          ['case-b', 1],
          ['case-b', 0],
          ['case-a', 0],
        ]);
        expect(read(await after(FLAGGED_DOCUMENT_CONDITION, 10))).toEqual([
          ['case-b', 1],
          ['case-a', 0],
        ]);
        expect(read(await after(FLAGGED_DOCUMENT_CONDITION, 1))).toEqual([['case-b', 1]]);
        // A delete of one case's items in every list, by terms ORed: only those rows.
        const lists = "list IN ('documents', 'persons')";
        const deleted = await db.run(
          `DELETE FROM board_items WHERE (reader = ? AND kind = ? AND group_id = ? AND ${lists} AND last_activity_at = ? AND case_id = ?)
             OR (reader = ? AND kind = ? AND group_id = ? AND ${lists} AND last_activity_at = ? AND case_id = ?)`,
          [NL, 'operation', 'op-1', T2, 'case-b', NL, 'operation', 'op-1', T3, 'case-a'],
        );
        expect(deleted).toBe(4);
        expect(read(await db.query('SELECT case_id, item_index FROM board_items ORDER BY reader, case_id, item_index'))).toEqual([
          ['case-b', 5],
          ['case-a', 0],
          ['case-c', 0],
        ]);
      });

      it('binds 1,500 parameters: a 500-row INSERT of three columns, then an IN list of 250 between other placeholders', async () => {
        const rows = Array.from({ length: 500 }, (_, index) => [NL, `case-${String(index).padStart(3, '0')}`, JSON.stringify({ index })]);

        const changed = await db.run(`INSERT INTO case_summaries (reader, case_id, body) VALUES ${rows.map(() => '(?, ?, ?)').join(', ')}`, rows.flat());

        expect(changed).toBe(500);
        expect(await db.query('SELECT reader, case_id, body FROM case_summaries ORDER BY case_id')).toEqual(
          rows.map(([reader, case_id, body]) => ({ reader, case_id, body })),
        );
        const odd = rows.filter((_, index) => index % 2 === 1).map(([, caseId]) => caseId);
        const selected = await db.query<{ case_id: string }>(
          `SELECT case_id FROM case_summaries WHERE reader = ? AND case_id IN (${odd.map(() => '?').join(', ')}) AND case_id <> ? ORDER BY case_id DESC`,
          [NL, ...odd, 'case-001'],
        );
        expect(selected.map((row) => row.case_id)).toEqual(odd.slice(1).reverse());
      });
    });

    describe('upserts', () => {
      it('INSERT … ON CONFLICT (…) DO UPDATE SET col = excluded.col inserts a new key and updates an existing one, one row changed each', async () => {
        expect(await db.run(UPSERT_CHECKPOINT, ['boards', '10', 1, T1])).toBe(1);
        expect(await db.run(UPSERT_CHECKPOINT, ['case-summaries', '5', 1, T1])).toBe(1);
        expect(await db.run(UPSERT_CHECKPOINT, ['boards', '20', 2, T2])).toBe(1);

        const rows = await db.query('SELECT projection, position, generation, updated_at FROM projection_checkpoints ORDER BY projection');
        expect(rows.map((row) => ({ ...row, generation: Number(row.generation) }))).toEqual([
          { projection: 'boards', position: '20', generation: 2, updated_at: T2 },
          { projection: 'case-summaries', position: '5', generation: 1, updated_at: T1 },
        ]);
      });

      it('upserts many rows on a composite key in one statement, in a transaction, leaving the other rows alone', async () => {
        await db.run('INSERT INTO boards (reader, kind, group_id, body) VALUES (?, ?, ?, ?), (?, ?, ?, ?)', [
          ...[NL, 'operation', 'op-1', 'old nl'],
          ...[BE, 'operation', 'op-1', 'old be'],
        ]);

        const changed = await db.transaction((tx) =>
          tx.run(
            `INSERT INTO boards (reader, kind, group_id, body) VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?)
             ON CONFLICT (reader, kind, group_id) DO UPDATE SET body = excluded.body`,
            [...[NL, 'operation', 'op-1', 'new nl'], ...[NL, 'task-force', 'op-1', 'tf nl'], ...[NL, 'operation', 'op-2', 'op-2 nl']],
          ),
        );

        expect(changed).toBe(3);
        expect(await db.query('SELECT reader, kind, group_id, body FROM boards ORDER BY reader, kind, group_id')).toEqual([
          { reader: BE, kind: 'operation', group_id: 'op-1', body: 'old be' },
          { reader: NL, kind: 'operation', group_id: 'op-1', body: 'new nl' },
          { reader: NL, kind: 'operation', group_id: 'op-2', body: 'op-2 nl' },
          { reader: NL, kind: 'task-force', group_id: 'op-1', body: 'tf nl' },
        ]);
      });

      it('ON CONFLICT (…) DO NOTHING changes no row', async () => {
        await db.run(INSERT_SUMMARY, [NL, 'case-1', 'first']);

        expect(await db.run(`${INSERT_SUMMARY} ON CONFLICT (reader, case_id) DO NOTHING`, [NL, 'case-1', 'second'])).toBe(0);

        expect(await db.query('SELECT body FROM case_summaries')).toEqual([{ body: 'first' }]);
      });
    });

    describe('run', () => {
      it('returns the number of rows changed by INSERT, UPDATE and DELETE, outside and inside a transaction', async () => {
        expect(
          await db.run('INSERT INTO case_summaries (reader, case_id, body) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)', [
            ...[NL, 'case-1', 'a'],
            ...[NL, 'case-2', 'b'],
            ...[BE, 'case-1', 'c'],
          ]),
        ).toBe(3);
        expect(await db.run('UPDATE case_summaries SET body = ? WHERE reader = ?', ['x', NL])).toBe(2);
        // Rows matched count, even where the value stays the same.
        expect(await db.run('UPDATE case_summaries SET body = ? WHERE reader = ?', ['x', NL])).toBe(2);
        expect(await db.run('UPDATE case_summaries SET body = ? WHERE reader = ?', ['x', 'nobody'])).toBe(0);

        const inside = await db.transaction(async (tx) => [
          await tx.run('DELETE FROM case_summaries WHERE reader = ? AND case_id = ?', [NL, 'case-1']),
          await tx.run('UPDATE case_summaries SET body = body WHERE case_id = ?', ['case-1']),
          await tx.run('DELETE FROM case_summaries WHERE reader = ?', ['nobody']),
        ]);

        expect(inside).toEqual([1, 1, 0]);
        expect(await db.run('DELETE FROM case_summaries')).toBe(2);
        expect(await db.query('SELECT case_id FROM case_summaries')).toEqual([]);
      });
    });

    describe('values', () => {
      it('keeps JSON text with unicode exactly, and empty, numeric-looking and padded text as given', async () => {
        const body = JSON.stringify({
          text: 'Grenzübergang — "quoted" \\ back\nslash\ttab 🚤 \u{1F1F3}\u{1F1F1} العربية 中文 e\u0301 \u2028\u2029 <&>',
          keys: { z: 1, a: [1, 'two', null, true, 1.5e-7, -0.0] },
          escaped: '\\u00e9 \\"',
        });
        await db.run(INSERT_SUMMARY, [NL, 'case-json', body]);
        await db.run(INSERT_SUMMARY, [NL, '000123', '']);
        await db.run(INSERT_SUMMARY, [NL, '  padded  ', '1e3']);

        const rows = await db.query<{ case_id: string; body: string }>('SELECT case_id, body FROM case_summaries WHERE reader = ? ORDER BY case_id', [NL]);

        expect(rows).toEqual([
          { case_id: '  padded  ', body: '1e3' },
          { case_id: '000123', body: '' },
          { case_id: 'case-json', body },
        ]);
        expect(JSON.parse(rows[2].body)).toEqual(JSON.parse(body));
        expect(await db.query('SELECT case_id FROM case_summaries WHERE body = ?', [body])).toEqual([{ case_id: 'case-json' }]);
      });

      it('keeps a text of more than 1 MB exactly', async () => {
        const unit = 'Grenzübergang 🚤 — "a\\b"\n';
        const huge = JSON.stringify({ text: unit.repeat(Math.ceil(1_100_000 / unit.length)) });
        expect(Buffer.byteLength(huge, 'utf8')).toBeGreaterThan(1_048_576);

        await db.transaction((tx) => tx.run(INSERT_SUMMARY, [NL, 'case-huge', huge]));

        const [row] = await db.query<{ body: string }>('SELECT body FROM case_summaries WHERE reader = ? AND case_id = ?', [NL, 'case-huge']);
        expect(row.body.length).toBe(huge.length);
        expect(row.body === huge).toBe(true);
      });

      it('keeps every digit of positions beyond 2^53, stored as text, and matches them as text', async () => {
        const positions = ['0', '9007199254740993', '123456789012000005', '9223372036854775807', '18446744073709551616'];
        for (const [index, position] of positions.entries()) {
          await db.run(UPSERT_CHECKPOINT, [`projection-${index}`, position, 1, T1]);
        }

        const rows = await db.query<{ position: string }>('SELECT position FROM projection_checkpoints ORDER BY projection');

        expect(rows.map((row) => row.position)).toEqual(positions);
        // 9007199254740992 and 9007199254740993 are the same double, as are 123456789012000004 and 123456789012000005.
        expect(await db.query('SELECT projection FROM projection_checkpoints WHERE position = ?', ['9007199254740992'])).toEqual([]);
        expect(await db.query('SELECT projection FROM projection_checkpoints WHERE position = ?', ['123456789012000004'])).toEqual([]);
        expect(await db.query('SELECT projection FROM projection_checkpoints WHERE position = ?', ['123456789012000005'])).toEqual([
          { projection: 'projection-2' },
        ]);
      });

      it('reads the INTEGER generation back as a number-like value, also after arithmetic in SQL, and count(*) likewise', async () => {
        await db.run(UPSERT_CHECKPOINT, ['zero', '1', 0, T1]);
        await db.run(UPSERT_CHECKPOINT, ['seven', '1', 7, T1]);
        await db.run(UPSERT_CHECKPOINT, ['largest', '1', 2_147_483_647, T1]);
        expect(await db.run('UPDATE projection_checkpoints SET generation = generation + 1 WHERE projection = ?', ['seven'])).toBe(1);

        const rows = await db.query<{ projection: string; generation: SqlValue }>(
          'SELECT projection, generation FROM projection_checkpoints ORDER BY projection',
        );
        const [{ top, total }] = await db.query<{ top: SqlValue; total: SqlValue }>(
          'SELECT max(generation) AS top, count(*) AS total FROM projection_checkpoints',
        );

        expect(rows.map((row) => [row.projection, Number(row.generation)])).toEqual([
          ['largest', 2_147_483_647],
          ['seven', 8],
          ['zero', 0],
        ]);
        for (const row of rows) expect(['number', 'string']).toContain(typeof row.generation);
        expect(Number(top)).toBe(2_147_483_647);
        expect(Number(total)).toBe(3);
      });
    });

    describe('transaction', () => {
      it("commits every statement and resolves with the work's result; inside, the work reads its own writes", async () => {
        const result = await db.transaction(async (tx) => {
          await tx.run(INSERT_SUMMARY, [NL, 'case-1', 'one']);
          await tx.run(INSERT_SUMMARY, [NL, 'case-2', 'two']);
          await tx.run(UPSERT_CHECKPOINT, ['case-summaries', '42', 1, T1]);
          return (await tx.query<{ case_id: string }>('SELECT case_id FROM case_summaries ORDER BY case_id')).map((row) => row.case_id);
        });

        expect(result).toEqual(['case-1', 'case-2']);
        expect(await db.query('SELECT case_id, body FROM case_summaries ORDER BY case_id')).toEqual([
          { case_id: 'case-1', body: 'one' },
          { case_id: 'case-2', body: 'two' },
        ]);
        expect(await db.query('SELECT position FROM projection_checkpoints')).toEqual([{ position: '42' }]);
      });

      it('rolls back every statement when the work throws, and rethrows the same error', async () => {
        await db.run(INSERT_SUMMARY, [NL, 'kept', 'before']);
        await db.run(INSERT_SUMMARY, [NL, 'doomed', 'before']);
        await db.run(UPSERT_CHECKPOINT, ['case-summaries', '1', 1, T1]);
        const before = await snapshot(db);
        const failure = new Error('the fold failed');

        const attempt = db.transaction(async (tx) => {
          await tx.run(INSERT_SUMMARY, [NL, 'added', 'during']);
          await tx.run('UPDATE case_summaries SET body = ? WHERE case_id = ?', ['during', 'kept']);
          await tx.run('DELETE FROM case_summaries WHERE case_id = ?', ['doomed']);
          await tx.run(UPSERT_CHECKPOINT, ['case-summaries', '2', 2, T2]);
          await tx.run('INSERT INTO boards (reader, kind, group_id, body) VALUES (?, ?, ?, ?)', [NL, 'operation', 'op-1', '{}']);
          expect(await tx.query('SELECT case_id FROM case_summaries ORDER BY case_id')).toEqual([{ case_id: 'added' }, { case_id: 'kept' }]);
          throw failure;
        });

        await expect(attempt).rejects.toBe(failure);
        expect(await snapshot(db)).toEqual(before);
      });

      it('rolls back the statements before one the database refuses, rejects, and goes on working', async () => {
        await expect(
          db.transaction(async (tx) => {
            await tx.run(INSERT_SUMMARY, [NL, 'case-1', 'one']);
            await tx.run(UPSERT_CHECKPOINT, ['case-summaries', '1', 1, T1]);
            await tx.run(INSERT_SUMMARY, [NL, 'case-2', null]);
          }),
        ).rejects.toMatchObject(AN_ERROR);
        await expect(db.run(INSERT_SUMMARY, [NL, 'case-3', null])).rejects.toMatchObject(AN_ERROR);

        expect(await snapshot(db)).toEqual({ case_summaries: [], projection_checkpoints: [], boards: [] });
        expect(await db.transaction((tx) => tx.run(INSERT_SUMMARY, [NL, 'case-1', 'again']))).toBe(1);
        expect(await db.run(INSERT_SUMMARY, [NL, 'case-2', 'after'])).toBe(1);
        expect(await db.query('SELECT case_id, body FROM case_summaries ORDER BY case_id')).toEqual([
          { case_id: 'case-1', body: 'again' },
          { case_id: 'case-2', body: 'after' },
        ]);
      });

      it('runs transactions started without awaiting one after another: 20 read-increment-write transactions on one row lose no update', async () => {
        await db.run(UPSERT_CHECKPOINT, ['counter', '0', 0, T1]);
        const read: number[] = [];

        const results = await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            db.transaction(async (tx) => {
              const [row] = await tx.query<{ generation: SqlValue }>('SELECT generation FROM projection_checkpoints WHERE projection = ?', ['counter']);
              const generation = Number(row.generation);
              read.push(generation);
              // Time enough for every other transaction to read, were they not one after another.
              await new Promise((resolve) => setTimeout(resolve, 5));
              await tx.run('UPDATE projection_checkpoints SET generation = ?, position = ? WHERE projection = ?', [generation + 1, String(index), 'counter']);
              return index;
            }),
          ),
        );

        expect(results).toEqual(Array.from({ length: 20 }, (_, index) => index));
        expect([...read].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index));
        const [row] = await db.query<{ generation: SqlValue }>('SELECT generation FROM projection_checkpoints WHERE projection = ?', ['counter']);
        expect(Number(row.generation)).toBe(20);
      });

      it('is not seen by a query outside it while in progress; once it commits, the query after sees its rows', async () => {
        await db.run(UPSERT_CHECKPOINT, ['case-summaries', '1', 1, T1]);
        const written = deferred();
        const finish = deferred();

        const inProgress = db.transaction(async (tx) => {
          await tx.run('INSERT INTO case_summaries (reader, case_id, body) VALUES (?, ?, ?), (?, ?, ?)', [NL, 'case-1', 'one', BE, 'case-1', 'one']);
          await tx.run(UPSERT_CHECKPOINT, ['case-summaries', '2', 2, T2]);
          written.resolve();
          await finish.promise;
          return 'committed';
        });
        try {
          await written.promise;

          expect(await db.query('SELECT case_id FROM case_summaries')).toEqual([]);
          const [checkpoint] = await db.query<{ position: string; generation: SqlValue }>('SELECT position, generation FROM projection_checkpoints');
          expect([checkpoint.position, Number(checkpoint.generation)]).toEqual(['1', 1]);
          await expect(db.ping()).resolves.toBeUndefined();
        } finally {
          finish.resolve();
        }

        await expect(inProgress).resolves.toBe('committed');
        expect(await db.query('SELECT reader, case_id FROM case_summaries ORDER BY reader')).toEqual([
          { reader: BE, case_id: 'case-1' },
          { reader: NL, case_id: 'case-1' },
        ]);
        const [checkpoint] = await db.query<{ position: string; generation: SqlValue }>('SELECT position, generation FROM projection_checkpoints');
        expect([checkpoint.position, Number(checkpoint.generation)]).toEqual(['2', 2]);
      });
    });

    describe('readSnapshot', () => {
      it('reads one committed state: a transaction committed between two of its reads shows in neither', async () => {
        await db.run(UPSERT_CHECKPOINT, ['boards', '1', 1, T1]);
        const committed = deferred();

        const seen = await db.readSnapshot(async (reads) => {
          const before = await reads.query<{ position: string }>('SELECT position FROM projection_checkpoints');
          await db.transaction(async (tx) => {
            await tx.run(UPSERT_CHECKPOINT, ['boards', '2', 1, T2]);
            await tx.run(INSERT_SUMMARY, [NL, 'case-1', 'one']);
          });
          committed.resolve();
          const after = await reads.query<{ position: string }>('SELECT position FROM projection_checkpoints');
          const summaries = await reads.query('SELECT case_id FROM case_summaries');
          return { before: before[0].position, after: after[0].position, summaries: summaries.length };
        });
        await committed.promise;

        expect(seen).toEqual({ before: '1', after: '1', summaries: 0 });
        expect(await db.query('SELECT position FROM projection_checkpoints')).toEqual([{ position: '2' }]);
      });

      it("resolves with the work's result; several started without awaiting all answer", async () => {
        await db.run(INSERT_SUMMARY, [NL, 'case-1', 'one']);

        const counts = await Promise.all(
          Array.from({ length: 5 }, () => db.readSnapshot(async (reads) => (await reads.query('SELECT case_id FROM case_summaries')).length)),
        );

        expect(counts).toEqual([1, 1, 1, 1, 1]);
      });

      it('refuses a write inside it, stores nothing, and goes on working; an error of the work is rethrown', async () => {
        await expect(db.readSnapshot((reads) => reads.query(INSERT_SUMMARY, [NL, 'case-1', 'one']))).rejects.toMatchObject(AN_ERROR);
        const failure = new Error('the work failed');
        await expect(db.readSnapshot(() => Promise.reject(failure))).rejects.toBe(failure);

        expect(await db.query('SELECT case_id FROM case_summaries')).toEqual([]);
        await expect(db.readSnapshot(async (reads) => (await reads.query('SELECT 1 AS one')).length)).resolves.toBe(1);
      });
    });

    describe('ping and close', () => {
      it('answers ping while open; after close() every call rejects', async () => {
        await expect(db.ping()).resolves.toBeUndefined();

        closedByTheTest();
        await db.close();

        await expect(db.ping()).rejects.toMatchObject(AN_ERROR);
        await expect(db.query('SELECT case_id FROM case_summaries')).rejects.toMatchObject(AN_ERROR);
        await expect(db.run(INSERT_SUMMARY, [NL, 'case-1', 'one'])).rejects.toMatchObject(AN_ERROR);
        await expect(db.transaction((tx) => tx.run(INSERT_SUMMARY, [NL, 'case-1', 'one']))).rejects.toMatchObject(AN_ERROR);
        await expect(db.readSnapshot((reads) => reads.query('SELECT case_id FROM case_summaries'))).rejects.toMatchObject(AN_ERROR);
      });

      it('close() again is harmless', async () => {
        closedByTheTest();
        await db.close();

        await expect(db.close()).resolves.toBeUndefined();
      });

      it('close() lets a transaction in progress finish and commit', async () => {
        const written = deferred();
        const finish = deferred();
        const inProgress = db.transaction(async (tx) => {
          await tx.run(INSERT_SUMMARY, [NL, 'case-1', 'one']);
          written.resolve();
          await finish.promise;
          return (await tx.query('SELECT case_id FROM case_summaries')).length;
        });
        await written.promise;

        closedByTheTest();
        const closing = db.close();
        finish.resolve();

        await expect(inProgress).resolves.toBe(1);
        await expect(closing).resolves.toBeUndefined();
      });
    });
  });
}

/** The rows of the tables the transaction tests write, in a stable order. */
async function snapshot(db: SqlDatabase): Promise<Record<string, SqlRow[]>> {
  return {
    case_summaries: await db.query('SELECT reader, case_id, body FROM case_summaries ORDER BY reader, case_id'),
    projection_checkpoints: (await db.query('SELECT projection, position, generation, updated_at FROM projection_checkpoints ORDER BY projection')).map(
      (row) => ({
        ...row,
        generation: Number(row.generation),
      }),
    ),
    boards: await db.query('SELECT reader, kind, group_id, body FROM boards ORDER BY reader, kind, group_id'),
  };
}

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((settle) => (resolve = settle));
  return { promise, resolve };
}
