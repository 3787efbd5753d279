import { Pool, type PoolClient } from 'pg';
import { inTransaction, validateSchemaName } from '@cmx/event-store/postgres';
import { newDataKey, type DataKey } from '../data-key-cipher';
import { caseKeysOf, type DataKeyRow, type KeyCaseRow } from '../key-store-rows';
import { KeysErased, type CaseKeys, type KeyStore, type ProtectionChange } from '../key-store.port';

type Queryable = Pick<PoolClient, 'query'>;

/**
 * The key store in the exchange's PostgreSQL schema (migration 007). A case's
 * rows are changed under a row lock on its key_cases row, so concurrent
 * gateways make one key per ref. An erasure deletes the key's row and leaves a
 * tombstone, then vacuums data_keys so that the deleted row's space is reclaimed;
 * PostgreSQL does not zero that space (docs/data-protection.md).
 */
export class PostgresKeyStore implements KeyStore {
  private readonly s: string;

  private constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.s = `"${schema}"`;
  }

  static open(connectionString: string, schema: string): PostgresKeyStore {
    validateSchemaName(schema);
    const pool = new Pool({ connectionString, max: 4 });
    pool.on('error', () => undefined);
    return new PostgresKeyStore(pool, schema);
  }

  provide(caseId: string, owner: string, refs: readonly string[]): Promise<ReadonlyMap<string, DataKey>> {
    return this.inTransaction(async (client) => {
      const known = await this.lockCase(client, caseId, owner);
      if (known.erased) throw new KeysErased(caseId, []);
      const rows = await this.keyRows(client, [caseId]);
      const byRef = new Map(rows.map((row) => [row.ref, row]));
      const erased = refs.filter((ref) => byRef.get(ref)?.erased);
      if (erased.length > 0) throw new KeysErased(caseId, erased);
      const keys = new Map<string, DataKey>();
      const made: { ref: string; key: DataKey }[] = [];
      for (const ref of new Set(refs)) {
        const stored = byRef.get(ref)?.key;
        if (stored) keys.set(ref, stored);
        else {
          const key = newDataKey();
          made.push({ ref, key });
          keys.set(ref, key);
        }
      }
      if (made.length > 0) {
        await client.query(
          `INSERT INTO ${this.s}.data_keys (case_id, ref, key) SELECT $1, * FROM unnest($2::text[], $3::bytea[])
           ON CONFLICT (case_id, ref) DO UPDATE SET key = excluded.key`,
          [caseId, made.map((entry) => entry.ref), made.map((entry) => entry.key)],
        );
      }
      return keys;
    });
  }

  async keysOf(caseIds: readonly string[]): Promise<ReadonlyMap<string, CaseKeys>> {
    const ids = [...new Set(caseIds)];
    if (ids.length === 0) return new Map();
    const cases = await this.pool.query<KeyCaseRow>(`SELECT case_id, owner, erased FROM ${this.s}.key_cases WHERE case_id = ANY($1::text[])`, [ids]);
    return caseKeysOf(cases.rows, await this.keyRows(this.pool, ids));
  }

  async protect(caseId: string, change: ProtectionChange): Promise<void> {
    const destroyed = await this.inTransaction(async (client) => {
      const current = await this.lockCase(client, caseId, change.owner);
      const newer = change.version > current.protection_version;
      if (newer) await client.query(`UPDATE ${this.s}.key_cases SET protection_version = $2 WHERE case_id = $1`, [caseId, change.version]);
      if (change.kind === 'erase') return this.eraseWithin(client, caseId, change.refs);
      if (newer) await this.restrictWithin(client, caseId, change.refs, change.kind === 'restrict');
      return 0;
    });
    if (destroyed > 0) await this.pool.query(`VACUUM ${this.s}.data_keys`);
  }

  private async eraseWithin(client: Queryable, caseId: string, refs: readonly string[] | 'wholeCase'): Promise<number> {
    const rows = await this.keyRows(client, [caseId]);
    if (refs === 'wholeCase') await client.query(`UPDATE ${this.s}.key_cases SET erased = true WHERE case_id = $1`, [caseId]);
    const targets = refs === 'wholeCase' ? rows.map((row) => row.ref) : [...refs];
    const keyed = targets.filter((ref) => rows.some((row) => row.ref === ref && row.key));
    await client.query(`DELETE FROM ${this.s}.data_keys WHERE case_id = $1 AND ref = ANY($2::text[]) AND key IS NOT NULL`, [caseId, keyed]);
    await client.query(
      `INSERT INTO ${this.s}.data_keys (case_id, ref, key, erased) SELECT $1, ref, NULL, true FROM unnest($2::text[]) AS ref
       ON CONFLICT (case_id, ref) DO UPDATE SET erased = true`,
      [caseId, targets],
    );
    return keyed.length;
  }

  /** A ref without a key (a person stored before encryption) gets a row with no key to hold the mark. */
  private async restrictWithin(client: Queryable, caseId: string, refs: readonly string[] | 'wholeCase', restricted: boolean): Promise<void> {
    if (refs === 'wholeCase') {
      await client.query(`UPDATE ${this.s}.data_keys SET restricted = $2 WHERE case_id = $1`, [caseId, restricted]);
      return;
    }
    await client.query(
      `INSERT INTO ${this.s}.data_keys (case_id, ref, key, restricted) SELECT $1, ref, NULL, $3 FROM unnest($2::text[]) AS ref
       ON CONFLICT (case_id, ref) DO UPDATE SET restricted = excluded.restricted`,
      [caseId, [...refs], restricted],
    );
  }

  /** The case's key_cases row, made with this owner when missing, locked until the transaction ends. */
  private async lockCase(client: Queryable, caseId: string, owner: string): Promise<{ erased: boolean; protection_version: number }> {
    await client.query(`INSERT INTO ${this.s}.key_cases (case_id, owner) VALUES ($1, $2) ON CONFLICT (case_id) DO NOTHING`, [caseId, owner]);
    const result = await client.query<{ erased: boolean; protection_version: number }>(
      `SELECT erased, protection_version FROM ${this.s}.key_cases WHERE case_id = $1 FOR UPDATE`,
      [caseId],
    );
    return result.rows[0];
  }

  private async keyRows(db: Queryable, caseIds: readonly string[]): Promise<DataKeyRow[]> {
    const result = await db.query<DataKeyRow>(`SELECT case_id, ref, key, restricted, erased FROM ${this.s}.data_keys WHERE case_id = ANY($1::text[])`, [
      caseIds,
    ]);
    return result.rows;
  }

  private inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
