import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { migrate } from '@cmx/event-store/postgres';
import { EMPTY_CHAIN } from '../audit-entry';
import type { AuditCheckpoint } from '../audit-signing';
import { describeAuditLogConformance } from '../conformance/audit-log.conformance';
import { describeAuditLogTampering, type RawAuditTables } from '../conformance/audit-log-tampering.conformance';
import { AUDIT_T0, auditRecord, checkpointPolicy, newAuditSigner } from '../testing/audit-fixtures';
import { PostgresAuditLog } from './postgres-audit-log';
import { describeOnPostgres } from '@cmx/event-store/conformance';

describeOnPostgres('PostgresAuditLog', 'audit log', describePostgresAuditLog);

function describePostgresAuditLog(connectionString: string): void {
  describe('PostgresAuditLog', () => {
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

    describeAuditLogConformance('postgres', async (policy) => {
      const schema = await newSchema();
      return {
        log: PostgresAuditLog.open(connectionString, schema, policy),
        openAnother: async (otherPolicy) => PostgresAuditLog.open(connectionString, schema, otherPolicy),
      };
    });

    describeAuditLogTampering('postgres', async (policy) => {
      const schema = await newSchema();
      const s = `"${schema}"`;
      const raw: RawAuditTables = {
        entry: async (seq) => {
          const { rows } = await admin.query<{ text: string; hash: string }>(`SELECT entry AS text, hash FROM ${s}.audit_entries WHERE seq = $1`, [seq]);
          if (!rows[0]) throw new Error(`no entry ${seq}`);
          return rows[0];
        },
        setEntry: async (seq, text, hash) => {
          const { rowCount } = await admin.query(`UPDATE ${s}.audit_entries SET entry = $1, hash = $2 WHERE seq = $3`, [text, hash, seq]);
          expect(rowCount).toBe(1);
        },
        deleteEntries: async (seqs) => {
          const { rowCount } = await admin.query(`DELETE FROM ${s}.audit_entries WHERE seq = ANY($1::bigint[])`, [seqs]);
          expect(rowCount).toBe(seqs.length);
        },
        insertCheckpoint: async (checkpoint) => {
          await admin.query(`INSERT INTO ${s}.audit_checkpoints (seq, head_hash, at, key_id, signature) VALUES ($1, $2, $3, $4, $5)`, [
            checkpoint.seq,
            checkpoint.headHash,
            checkpoint.at,
            checkpoint.keyId,
            checkpoint.signature,
          ]);
        },
        setCheckpoint: async ({ seq, ...changes }) => {
          const columns = checkpointColumns(changes);
          const { rowCount } = await admin.query(
            `UPDATE ${s}.audit_checkpoints SET ${columns.map(([column], i) => `${column} = $${i + 1}`).join(', ')} WHERE seq = $${columns.length + 1}`,
            [...columns.map(([, value]) => value), seq],
          );
          expect(rowCount).toBe(1);
        },
      };
      return { log: PostgresAuditLog.open(connectionString, schema, policy), raw };
    });

    describe('engine specifics', () => {
      const policy = checkpointPolicy(newAuditSigner(), { everyEntries: 3 });
      const opened: PostgresAuditLog[] = [];

      const openOnNewSchema = async (): Promise<{ log: PostgresAuditLog; schema: string }> => {
        const schema = await newSchema();
        const log = PostgresAuditLog.open(connectionString, schema, policy);
        opened.push(log);
        return { log, schema };
      };

      afterEach(async () => {
        await Promise.all(opened.splice(0).map((log) => log.close()));
      });

      it('open() refuses a schema name that is not a plain lower-case name', () => {
        expect(() => PostgresAuditLog.open(connectionString, 'cmx; DROP TABLE audit_entries', policy)).toThrow(RangeError);
        expect(() => PostgresAuditLog.open(connectionString, 'Cmx', policy)).toThrow(RangeError);
      });

      it('keeps sequence numbers as bigint, the entry as the exact canonical text, and one index row per case and party', async () => {
        const { log, schema } = await openOnNewSchema();
        const [entry] = await log.append(
          [auditRecord({ party: 'NCB-NL', recipients: ['NCB-BE', 'NCB-NL'], purpose: 'Grenzübergang 🚤', cases: [{ caseId: 'NL-1', messageIds: [] }] })],
          AUDIT_T0,
        );

        const entries = await admin.query(`SELECT seq, pg_typeof(seq)::text AS type, operation, entry, hash FROM "${schema}".audit_entries`);
        const [stored] = await log.readChain(0, 1);
        expect(entries.rows).toEqual([{ seq: '1', type: 'bigint', operation: 'consult', entry: stored.text, hash: entry.hash }]);
        const index = await admin.query(`SELECT key, seq::integer AS seq FROM "${schema}".audit_index ORDER BY key`);
        expect(index.rows).toEqual([
          { key: 'case:NL-1', seq: 1 },
          { key: 'party:NCB-BE', seq: 1 },
          { key: 'party:NCB-NL', seq: 1 },
        ]);
      });

      it('rolls the whole append back (entries and index rows) when its checkpoint cannot be written', async () => {
        const { log, schema } = await openOnNewSchema();
        await admin.query(
          `CREATE FUNCTION "${schema}".refuse_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'checkpoint refused'; END $$;
           CREATE TRIGGER refuse_checkpoint BEFORE INSERT ON "${schema}".audit_checkpoints
             FOR EACH ROW EXECUTE FUNCTION "${schema}".refuse_checkpoint();`,
        );

        await expect(log.append([auditRecord(), auditRecord()], AUDIT_T0)).rejects.toThrow('checkpoint refused');

        expect(await log.head()).toEqual(EMPTY_CHAIN);
        const { rows } = await admin.query(`SELECT count(*)::integer AS count FROM "${schema}".audit_index`);
        expect(rows).toEqual([{ count: 0 }]);
      });

      it('appends of two schemas do not wait for each other: the chain lock is per schema', async () => {
        const first = await openOnNewSchema();
        const second = await openOnNewSchema();
        const holder = await admin.connect();
        let committed = false;
        try {
          await holder.query('BEGIN');
          await holder.query(`SELECT pg_advisory_xact_lock(hashtextextended('cmx-audit-chain:${first.schema}', 0))`);
          const blocked = first.log.append([auditRecord()], AUDIT_T0);
          let settled = false;
          void blocked.then(
            () => (settled = true),
            () => (settled = true),
          );

          expect(await second.log.append([auditRecord()], AUDIT_T0)).toHaveLength(1);
          await new Promise((resolve) => setTimeout(resolve, 100));
          expect(settled).toBe(false);

          await holder.query('COMMIT');
          committed = true;
          expect((await blocked).map((entry) => entry.seq)).toEqual([1]);
        } finally {
          // A failed test must not hand the admin pool a connection still in the transaction (the schemas would be dropped in it, then rolled back).
          holder.release(!committed);
        }
      });
    });
  });
}

const CHECKPOINT_COLUMNS = { headHash: 'head_hash', at: 'at', keyId: 'key_id', signature: 'signature' } as const;

/** The columns and values of the given checkpoint fields. */
function checkpointColumns(changes: Partial<Omit<AuditCheckpoint, 'seq'>>): [string, string][] {
  const columns = Object.entries(changes).map(([field, value]): [string, string] => [
    CHECKPOINT_COLUMNS[field as keyof typeof CHECKPOINT_COLUMNS],
    String(value),
  ]);
  if (columns.length === 0 || columns.some(([column]) => !column)) throw new Error(`not checkpoint fields: ${JSON.stringify(changes)}`);
  return columns;
}
