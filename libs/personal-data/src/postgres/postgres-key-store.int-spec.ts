import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { loadMigrations, migrate } from '@cmx/event-store/postgres';
import { describeKeyStoreConformance } from '../conformance/key-store.conformance';
import { PostgresKeyStore } from './postgres-key-store';
import { describeOnPostgres } from '@cmx/event-store/conformance';

describeOnPostgres('PostgresKeyStore', 'key store', describePostgresKeyStore);

function describePostgresKeyStore(connectionString: string): void {
  describe('PostgresKeyStore', () => {
    /** Every schema of this run, each created by migrate() and dropped afterwards. */
    const schemas: string[] = [];
    let admin: Pool;

    /** A fresh, migrated schema of its own. */
    const newSchema = async (): Promise<string> => {
      const schema = `cmx_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      schemas.push(schema);
      await migrate(admin, schema);
      return schema;
    };

    beforeAll(() => {
      admin = new Pool({ connectionString, max: 2 });
    });

    afterAll(async () => {
      for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    });

    describeKeyStoreConformance('postgres', async () => {
      const schema = await newSchema();
      return { store: PostgresKeyStore.open(connectionString, schema), openAnother: async () => PostgresKeyStore.open(connectionString, schema) };
    });

    describe('engine specifics', () => {
      const CASE = 'IT-2026-000123';
      const opened: PostgresKeyStore[] = [];

      const openOnNewSchema = async (): Promise<{ store: PostgresKeyStore; schema: string }> => {
        const schema = await newSchema();
        const store = PostgresKeyStore.open(connectionString, schema);
        opened.push(store);
        return { store, schema };
      };

      afterEach(async () => {
        await Promise.all(opened.splice(0).map((store) => store.close()));
      });

      it('open() refuses a schema name that is not a plain lower-case name', () => {
        expect(() => PostgresKeyStore.open(connectionString, 'cmx; DROP TABLE data_keys')).toThrow(RangeError);
        expect(() => PostgresKeyStore.open(connectionString, 'Cmx')).toThrow(RangeError);
      });

      it('is migration 7 of the schema: key_cases and data_keys', async () => {
        const { schema } = await openOnNewSchema();

        expect(loadMigrations().find((migration) => migration.version === 7)?.name).toBe('007_create_key_store');
        const { rows } = await admin.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name IN ('key_cases', 'data_keys') ORDER BY table_name`,
          [schema],
        );
        expect(rows.map((row) => row.table_name)).toEqual(['data_keys', 'key_cases']);
      });

      it('deletes the erased key’s row and leaves a tombstone with no key', async () => {
        const { store, schema } = await openOnNewSchema();
        const keys = await store.provide(CASE, 'NCB-IT', ['P1', 'P2']);

        await store.protect(CASE, { kind: 'erase', refs: ['P1'], version: 3, owner: 'NCB-IT' });

        const { rows } = await admin.query(`SELECT ref, key, restricted, erased FROM "${schema}".data_keys WHERE case_id = $1 ORDER BY ref`, [CASE]);
        expect(rows).toEqual([
          { ref: 'P1', key: null, restricted: false, erased: true },
          { ref: 'P2', key: keys.get('P2'), restricted: false, erased: false },
        ]);
        const { rows: found } = await admin.query(`SELECT count(*)::integer AS count FROM "${schema}".data_keys WHERE key = $1`, [keys.get('P1')]);
        expect(found).toEqual([{ count: 0 }]);
      });

      it('makes one key per ref when one provide waits on the case’s row lock that another transaction holds', async () => {
        const { store, schema } = await openOnNewSchema();
        await store.provide(CASE, 'NCB-IT', []);
        const holder = await admin.connect();
        let committed = false;
        try {
          await holder.query('BEGIN');
          await holder.query(`SELECT 1 FROM "${schema}".key_cases WHERE case_id = $1 FOR UPDATE`, [CASE]);
          const waiting = Promise.all([store.provide(CASE, 'NCB-IT', ['P1']), store.provide(CASE, 'NCB-IT', ['P1'])]);
          let settled = false;
          void waiting.then(
            () => (settled = true),
            () => (settled = true),
          );
          await new Promise((resolve) => setTimeout(resolve, 100));
          expect(settled).toBe(false);

          await holder.query('COMMIT');
          committed = true;
          const [first, second] = await waiting;
          expect(first.get('P1')!.equals(second.get('P1')!)).toBe(true);
        } finally {
          holder.release(!committed);
        }
      });
    });
  });
}
