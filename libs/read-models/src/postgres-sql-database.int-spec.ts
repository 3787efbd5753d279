import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { Pool } from 'pg';
import { loadMigrations, migrate } from '@cmx/event-store/postgres';
import { describeSqlDatabaseConformance } from './conformance/sql-database.conformance';
import { PostgresSqlDatabase } from './postgres-sql-database';
import type { SqlValue } from './sql-database.port';
import { FLAGGED_DOCUMENT_CONDITION, READ_MODEL_TABLES } from './read-model-tables';
import { describeOnPostgres } from '@cmx/event-store/conformance';

describeOnPostgres('PostgresSqlDatabase', 'read-model database', describePostgresSqlDatabase);

/** A table's shape, as both engines can report it. */
interface TableShape {
  readonly columns: { name: string; type: string; nullable: boolean }[];
  readonly primaryKey: string[];
}

function describePostgresSqlDatabase(connectionString: string): void {
  describe('PostgresSqlDatabase', () => {
    /** Every schema of this run, each created by migrate() and dropped afterwards. */
    const schemas: string[] = [];
    let admin: Pool;

    /** A database on a fresh, migrated schema of its own. */
    const openOnNewSchema = async (): Promise<{ db: PostgresSqlDatabase; schema: string }> => {
      const schema = `cmx_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      schemas.push(schema);
      await migrate(admin, schema);
      return { db: PostgresSqlDatabase.open(connectionString, schema), schema };
    };

    beforeAll(() => {
      admin = new Pool({ connectionString, max: 2 });
    });

    afterAll(async () => {
      for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    });

    describeSqlDatabaseConformance('postgres', async () => (await openOnNewSchema()).db);

    describe('engine specifics', () => {
      const opened: PostgresSqlDatabase[] = [];

      afterEach(async () => {
        await Promise.all(opened.splice(0).map((db) => db.close()));
      });

      it('open() refuses a schema name that is not a plain lower-case name', () => {
        expect(() => PostgresSqlDatabase.open(connectionString, 'cmx; DROP TABLE boards')).toThrow(RangeError);
        expect(() => PostgresSqlDatabase.open(connectionString, 'Cmx')).toThrow(RangeError);
      });

      it('reads and writes the tables of its own schema only', async () => {
        const first = await openOnNewSchema();
        const second = await openOnNewSchema();
        opened.push(first.db, second.db);

        expect(first.db.engine).toBe('postgres');
        await first.db.run('INSERT INTO case_summaries (reader, case_id, body) VALUES (?, ?, ?)', ['NCB-NL', 'case-1', 'first']);

        expect(await second.db.query('SELECT case_id FROM case_summaries')).toEqual([]);
        const { rows } = await admin.query(`SELECT body FROM "${first.schema}".case_summaries`);
        expect(rows).toEqual([{ body: 'first' }]);
      });

      it('migration 008 drops the boards folded before bounded boards: their rows go, the boards checkpoint goes to the start with a new generation, the rest stays', async () => {
        const schema = `cmx_test_${process.pid}_${randomBytes(4).toString('hex')}`;
        schemas.push(schema);
        const client = await admin.connect();
        try {
          await client.query(`CREATE SCHEMA "${schema}"`);
          await client.query(
            `CREATE TABLE "${schema}".schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
          );
          await client.query(`SET search_path TO "${schema}"`);
          for (const migration of loadMigrations().filter((each) => each.version <= 7)) {
            await client.query(migration.sql);
            await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
          }
          await client.query(`
            INSERT INTO projection_checkpoints VALUES ('boards', '120', 2, '2025-03-01T10:00:00.000Z'), ('case-summaries', '120', 1, '2025-03-01T10:00:00.000Z');
            INSERT INTO case_summaries VALUES ('NCB-NL', 'case-1', '{}');
            INSERT INTO board_case_states VALUES ('NCB-NL', 'case-1', '{}');
            INSERT INTO board_cases VALUES ('NCB-NL', 'operation', 'op-1', 'case-1', 'open', NULL, ',', '2025-03-01T10:00:00.000Z', '{}', '{}', '', '{"caseId":"case-1","name":"SALAM"}', '', '');
            INSERT INTO boards VALUES ('NCB-NL', 'operation', 'op-1', '{}');`);
        } finally {
          client.release(true);
        }

        const result = await migrate(admin, schema);

        expect(result.applied.map((migration) => migration.name)).toEqual(['008_bound_board_lists']);
        const db = PostgresSqlDatabase.open(connectionString, schema);
        opened.push(db);
        for (const table of ['board_case_states', 'board_cases', 'board_items', 'boards'])
          expect([table, await db.query(`SELECT * FROM ${table}`)]).toEqual([table, []]);
        expect(await db.query('SELECT reader, case_id FROM case_summaries')).toEqual([{ reader: 'NCB-NL', case_id: 'case-1' }]);
        const checkpoints = await db.query<{ projection: string; position: string; generation: SqlValue }>(
          'SELECT projection, position, generation FROM projection_checkpoints ORDER BY projection',
        );
        expect(checkpoints.map((row) => ({ ...row, generation: Number(row.generation) }))).toEqual([
          { projection: 'boards', position: '', generation: 3 },
          { projection: 'case-summaries', position: '120', generation: 1 },
        ]);
      });

      it('migration 008 says which documents are flagged as the queries do, so that they use its partial index', () => {
        const migration = loadMigrations().find((each) => each.version === 8)!;
        expect(migration.sql).toContain(
          `board_items (reader, kind, group_id, list, last_activity_at, case_id, item_index) WHERE ${FLAGGED_DOCUMENT_CONDITION};`,
        );
      });

      it('gets from migrations 004, 005 and 008 the tables, columns, keys and indexes SQLite creates from READ_MODEL_TABLES', async () => {
        const { schema } = await openOnNewSchema();
        const sqlite = sqliteShapes();

        const postgres = await postgresShapes(admin, schema, Object.keys(sqlite.tables));

        expect(postgres.tables).toEqual(sqlite.tables);
        expect(postgres.indexes).toEqual(sqlite.indexes);
      });
    });
  });
}

function sqliteShapes(): { tables: Record<string, TableShape>; indexes: Record<string, string[]> } {
  const raw = new Database(':memory:');
  try {
    raw.exec(READ_MODEL_TABLES);
    const tables: Record<string, TableShape> = {};
    for (const table of raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[]) {
      const info = raw.pragma(`table_info(${table})`) as { name: string; type: string; notnull: number; pk: number }[];
      tables[table] = {
        // A primary key column of SQLite may hold NULL unless declared NOT NULL; the read models never write one.
        columns: info.map((column) => ({ name: column.name, type: column.type.toLowerCase(), nullable: column.notnull === 0 && column.pk === 0 })),
        primaryKey: info
          .filter((column) => column.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((column) => column.name),
      };
    }
    const indexes: Record<string, string[]> = {};
    for (const index of raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all() as string[]) {
      indexes[index] = (raw.pragma(`index_info(${index})`) as { seqno: number; name: string }[]).sort((a, b) => a.seqno - b.seqno).map((column) => column.name);
    }
    return { tables, indexes };
  } finally {
    raw.close();
  }
}

async function postgresShapes(
  admin: Pool,
  schema: string,
  tableNames: readonly string[],
): Promise<{ tables: Record<string, TableShape>; indexes: Record<string, string[]> }> {
  const columns = await admin.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_schema = $1 AND table_name = ANY($2) ORDER BY table_name, ordinal_position`,
    [schema, tableNames],
  );
  const keys = await admin.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, k.column_name FROM information_schema.table_constraints c
     JOIN information_schema.key_column_usage k ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name
     WHERE c.table_schema = $1 AND c.constraint_type = 'PRIMARY KEY' AND c.table_name = ANY($2)
     ORDER BY c.table_name, k.ordinal_position`,
    [schema, tableNames],
  );
  const indexColumns = await admin.query<{ index: string; column: string }>(
    `SELECT i.relname AS index, a.attname AS column
     FROM pg_index x
     JOIN pg_class i ON i.oid = x.indexrelid
     JOIN pg_class t ON t.oid = x.indrelid
     JOIN pg_namespace n ON n.oid = i.relnamespace
     CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
     WHERE n.nspname = $1 AND NOT x.indisprimary AND t.relname = ANY($2)
     ORDER BY i.relname, k.ord`,
    [schema, tableNames],
  );

  const tables: Record<string, TableShape> = {};
  for (const row of columns.rows) {
    tables[row.table_name] ??= { columns: [], primaryKey: [] };
    tables[row.table_name].columns.push({ name: row.column_name, type: row.data_type, nullable: row.is_nullable === 'YES' });
  }
  for (const row of keys.rows) tables[row.table_name]?.primaryKey.push(row.column_name);
  const indexes: Record<string, string[]> = {};
  for (const row of indexColumns.rows) (indexes[row.index] ??= []).push(row.column);
  return { tables, indexes };
}
