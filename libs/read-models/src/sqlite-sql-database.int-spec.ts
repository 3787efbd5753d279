import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { describeSqlDatabaseConformance } from './conformance/sql-database.conformance';
import { SqliteSqlDatabase } from './sqlite-sql-database';

describe('SqliteSqlDatabase', () => {
  const directory = mkdtempSync(join(tmpdir(), 'cmx-read-models-'));
  const newFile = () => join(directory, randomUUID(), 'read-models.sqlite');

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  describeSqlDatabaseConformance('sqlite', async () => SqliteSqlDatabase.open(newFile()));

  describe('engine specifics', () => {
    const opened: SqliteSqlDatabase[] = [];
    let file: string;

    const open = (): SqliteSqlDatabase => {
      const db = SqliteSqlDatabase.open(file);
      opened.push(db);
      return db;
    };

    /** Runs `work` on a connection of its own to the database's file. */
    const withRawConnection = <T>(work: (raw: Database.Database) => T): T => {
      const raw = new Database(file);
      try {
        return work(raw);
      } finally {
        raw.close();
      }
    };

    beforeEach(() => {
      file = newFile();
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((db) => db.close()));
    });

    it('creates the directory and the read-model tables on first open, the file in WAL journal mode', async () => {
      const db = open();

      expect(db.engine).toBe('sqlite');
      withRawConnection((raw) => {
        expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
        const tables = raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
        expect(tables).toEqual(['board_case_states', 'board_cases', 'board_items', 'boards', 'case_summaries', 'projection_checkpoints']);
        const indexes = raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all();
        expect(indexes).toEqual([
          'board_case_states_by_case',
          'board_cases_by_activity',
          'board_cases_by_case',
          'board_items_by_facet',
          'board_items_by_facet2',
          'board_items_flagged',
          'case_summaries_by_case',
        ]);
      });
      for (const table of ['board_case_states', 'board_cases', 'board_items', 'boards', 'case_summaries', 'projection_checkpoints']) {
        expect(await db.query(`SELECT * FROM ${table}`)).toEqual([]);
      }
    });

    it('adds the indexes by case to a file made before them, keeping its rows, and the projector reads by case through them', async () => {
      const first = open();
      await first.close();
      opened.splice(opened.indexOf(first), 1);
      withRawConnection((raw) => {
        for (const index of ['case_summaries_by_case', 'board_case_states_by_case', 'board_cases_by_case']) raw.exec(`DROP INDEX ${index}`);
        raw.prepare('INSERT INTO case_summaries (reader, case_id, body) VALUES (?, ?, ?)').run('NCB-NL', 'case-1', '{}');
      });

      const db = open();

      expect(await db.query('SELECT reader, case_id FROM case_summaries')).toEqual([{ reader: 'NCB-NL', case_id: 'case-1' }]);
      withRawConnection((raw) => {
        for (const table of ['case_summaries', 'board_case_states', 'board_cases']) {
          const plan = raw.prepare(`EXPLAIN QUERY PLAN SELECT * FROM ${table} WHERE case_id IN (?, ?)`).all('case-1', 'case-2') as { detail: string }[];
          expect(plan.map((step) => step.detail)).toEqual([`SEARCH ${table} USING INDEX ${table}_by_case (case_id=?)`]);
        }
      });
    });

    it('opens a file made before bounded boards: its boards go, folded again from the store (the checkpoint at the start, a new generation); the rest stays', async () => {
      mkdirSync(dirname(file), { recursive: true });
      withRawConnection((raw) => {
        raw.exec(`
          CREATE TABLE projection_checkpoints (projection TEXT PRIMARY KEY, position TEXT NOT NULL, generation INTEGER NOT NULL, updated_at TEXT NOT NULL);
          CREATE TABLE case_summaries (reader TEXT NOT NULL, case_id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (reader, case_id));
          CREATE TABLE board_case_states (reader TEXT NOT NULL, case_id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (reader, case_id));
          CREATE TABLE board_cases (
            reader TEXT NOT NULL, kind TEXT NOT NULL, group_id TEXT NOT NULL, case_id TEXT NOT NULL, status TEXT NOT NULL, route TEXT,
            crime_areas TEXT NOT NULL, last_activity_at TEXT NOT NULL, listing TEXT NOT NULL, contribution TEXT NOT NULL,
            flagged_documents TEXT NOT NULL, vessels TEXT NOT NULL, vehicles TEXT NOT NULL, locations TEXT NOT NULL,
            PRIMARY KEY (reader, kind, group_id, case_id));
          CREATE TABLE boards (reader TEXT NOT NULL, kind TEXT NOT NULL, group_id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (reader, kind, group_id));
          INSERT INTO projection_checkpoints VALUES ('boards', '120', 2, '2025-03-01T10:00:00.000Z'), ('case-summaries', '120', 1, '2025-03-01T10:00:00.000Z');
          INSERT INTO case_summaries VALUES ('NCB-NL', 'case-1', '{}');
          INSERT INTO board_case_states VALUES ('NCB-NL', 'case-1', '{}');
          INSERT INTO board_cases VALUES ('NCB-NL', 'operation', 'op-1', 'case-1', 'open', NULL, ',', '2025-03-01T10:00:00.000Z', '{}', '{}', '', '{"caseId":"case-1","name":"SALAM"}', '', '');
          INSERT INTO boards VALUES ('NCB-NL', 'operation', 'op-1', '{}');`);
      });

      const db = open();
      const reopened = () => {
        withRawConnection((raw) => {
          const columns = (raw.prepare("SELECT name FROM pragma_table_info('board_cases')").pluck().all() as string[]).join(',');
          expect(columns).toBe('reader,kind,group_id,case_id,status,route,crime_areas,last_activity_at,listing,contribution');
        });
      };

      reopened();
      for (const table of ['board_case_states', 'board_cases', 'board_items', 'boards'])
        expect([table, await db.query(`SELECT * FROM ${table}`)]).toEqual([table, []]);
      expect(await db.query('SELECT reader, case_id FROM case_summaries')).toEqual([{ reader: 'NCB-NL', case_id: 'case-1' }]);
      expect(await db.query('SELECT projection, position, generation FROM projection_checkpoints ORDER BY projection')).toEqual([
        { projection: 'boards', position: '', generation: 3 },
        { projection: 'case-summaries', position: '120', generation: 1 },
      ]);
      // Opened again, a file of the current shape is left as it is.
      await db.run("UPDATE projection_checkpoints SET position = '130' WHERE projection = 'boards'");
      await db.close();
      opened.splice(opened.indexOf(db), 1);
      expect(await open().query("SELECT position, generation FROM projection_checkpoints WHERE projection = 'boards'")).toEqual([
        { position: '130', generation: 3 },
      ]);
      reopened();
    });

    it('reopens the file with its rows, positions beyond 2^53 and texts unchanged', async () => {
      const body = JSON.stringify({ summary: 'Grenzübergang 🚤', at: '123456789012000005' });
      const db = open();
      await db.transaction(async (tx) => {
        await tx.run('INSERT INTO case_summaries (reader, case_id, body) VALUES (?, ?, ?), (?, ?, ?)', ['NCB-NL', 'case-1', body, 'NCB-BE', 'case-1', '{}']);
        await tx.run('INSERT INTO projection_checkpoints (projection, position, generation, updated_at) VALUES (?, ?, ?, ?)', [
          'case-summaries',
          '9223372036854775807',
          3,
          '2025-03-01T10:00:00.000Z',
        ]);
      });
      await db.run('INSERT INTO boards (reader, kind, group_id, body) VALUES (?, ?, ?, ?)', ['NCB-NL', 'operation', 'op-1', '{"cases":[]}']);
      await db.close();

      const reopened = open();

      expect(await reopened.query('SELECT reader, case_id, body FROM case_summaries ORDER BY reader')).toEqual([
        { reader: 'NCB-BE', case_id: 'case-1', body: '{}' },
        { reader: 'NCB-NL', case_id: 'case-1', body },
      ]);
      expect(await reopened.query('SELECT projection, position, generation, updated_at FROM projection_checkpoints')).toEqual([
        { projection: 'case-summaries', position: '9223372036854775807', generation: 3, updated_at: '2025-03-01T10:00:00.000Z' },
      ]);
      expect(await reopened.query('SELECT body FROM boards')).toEqual([{ body: '{"cases":[]}' }]);
      expect(await reopened.run('UPDATE projection_checkpoints SET generation = generation + 1')).toBe(1);
    });

    it('keeps a transaction that close() waited for across a reopen', async () => {
      const db = open();
      let finish!: () => void;
      const gate = new Promise<void>((resolve) => (finish = resolve));
      const inProgress = db.transaction(async (tx) => {
        await tx.run('INSERT INTO case_summaries (reader, case_id, body) VALUES (?, ?, ?)', ['NCB-NL', 'case-1', 'one']);
        await gate;
      });

      const closing = db.close();
      finish();
      await inProgress;
      await closing;

      expect(await open().query('SELECT case_id, body FROM case_summaries')).toEqual([{ case_id: 'case-1', body: 'one' }]);
    });
  });
});
