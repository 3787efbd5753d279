import { Pool, type PoolClient } from 'pg';
import { inTransaction, validateSchemaName } from '@cmx/event-store/postgres';
import { chainWrite, type LastCheckpoint } from '../audit-chain';
import { caseKey, EMPTY_CHAIN, parseStoredEntry, partyKey, type AuditEntry, type AuditRecord, type ChainHead, type StoredAuditEntry } from '../audit-entry';
import { pageLimit, sequenceNumber } from '../audit-arguments';
import type { AuditLog, AuditQuery, CheckpointPolicy, PruneResult } from '../audit-log.port';
import type { AuditCheckpoint } from '../audit-signing';

type Queryable = Pick<PoolClient, 'query'>;

interface EntryRow {
  readonly seq: string;
  readonly text: string;
  readonly hash: string;
}

interface CheckpointRow {
  readonly seq: string;
  readonly head_hash: string;
  readonly at: string;
  readonly key_id: string;
  readonly signature: string;
}

/**
 * The chain in the exchange's PostgreSQL schema (migration 006), for use
 * inside a transaction another adapter began: the delivery ledger writes a
 * batch's disclosures in its own. The head is taken under a transaction-level
 * advisory lock, so appends from every process of the exchange form one chain.
 */
export class PostgresAuditChain {
  private readonly sql;

  constructor(
    schema: string,
    private readonly policy: CheckpointPolicy,
  ) {
    validateSchemaName(schema);
    const s = `"${schema}"`;
    this.sql = {
      lock: `SELECT pg_advisory_xact_lock(hashtextextended('cmx-audit-chain:${schema}', 0))`,
      // ORDER BY the column (e.seq), not the seq::text output column the bare name would sort by ('9' after '10').
      // The last entry, or the checkpoint that anchors the next entry when a prune removed them all.
      head: `SELECT h.seq::text AS seq, h.hash FROM (
          (SELECT e.seq, e.hash FROM ${s}.audit_entries e ORDER BY e.seq DESC LIMIT 1)
          UNION ALL
          (SELECT c.seq, c.head_hash AS hash FROM ${s}.audit_checkpoints c ORDER BY c.seq DESC LIMIT 1)
        ) h ORDER BY h.seq DESC LIMIT 1`,
      lastCheckpoint: `SELECT c.seq::text AS seq, c.at FROM ${s}.audit_checkpoints c ORDER BY c.seq DESC LIMIT 1`,
      insertEntries: `INSERT INTO ${s}.audit_entries (seq, operation, entry, hash) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[])`,
      insertIndex: `INSERT INTO ${s}.audit_index (key, seq) SELECT * FROM unnest($1::text[], $2::bigint[])`,
      insertCheckpoint: `INSERT INTO ${s}.audit_checkpoints (seq, head_hash, at, key_id, signature) VALUES ($1, $2, $3, $4, $5)`,
    };
  }

  async appendWithin(client: Queryable, records: readonly AuditRecord[], at: Date): Promise<StoredAuditEntry[]> {
    await this.lockOn(client);
    const write = chainWrite(await this.headOn(client), await this.lastCheckpointOn(client), records, at, this.policy);
    if (write.entries.length > 0) {
      await client.query(this.sql.insertEntries, [
        write.entries.map((entry) => entry.seq),
        records.map((record) => record.operation),
        write.entries.map((entry) => entry.text),
        write.entries.map((entry) => entry.hash),
      ]);
      await client.query(this.sql.insertIndex, [write.index.map((row) => row.key), write.index.map((row) => row.seq)]);
    }
    if (write.checkpoint) await this.insertCheckpoint(client, write.checkpoint);
    return [...write.entries];
  }

  async checkpointWithin(client: Queryable, at: Date): Promise<AuditCheckpoint | undefined> {
    await this.lockOn(client);
    const write = chainWrite(await this.headOn(client), await this.lastCheckpointOn(client), [], at, this.policy);
    if (write.checkpoint) await this.insertCheckpoint(client, write.checkpoint);
    return write.checkpoint;
  }

  /** Holds the chain until the transaction ends: appends of every process take their turn. */
  async lockOn(client: Queryable): Promise<void> {
    await client.query(this.sql.lock);
  }

  async headOn(client: Queryable): Promise<ChainHead> {
    const { rows } = await client.query<{ seq: string; hash: string }>(this.sql.head);
    return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : EMPTY_CHAIN;
  }

  private async lastCheckpointOn(client: Queryable): Promise<LastCheckpoint | undefined> {
    const { rows } = await client.query<{ seq: string; at: string }>(this.sql.lastCheckpoint);
    return rows[0] ? { seq: Number(rows[0].seq), at: rows[0].at } : undefined;
  }

  private async insertCheckpoint(client: Queryable, checkpoint: AuditCheckpoint): Promise<void> {
    await client.query(this.sql.insertCheckpoint, [checkpoint.seq, checkpoint.headHash, checkpoint.at, checkpoint.keyId, checkpoint.signature]);
  }
}

/** The audit log in the exchange's PostgreSQL schema (tables from migration 006, `npm run migrate`). */
export class PostgresAuditLog implements AuditLog {
  private readonly chain: PostgresAuditChain;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    policy: CheckpointPolicy,
  ) {
    this.chain = new PostgresAuditChain(schema, policy);
  }

  static open(connectionString: string, schema: string, policy: CheckpointPolicy): PostgresAuditLog {
    validateSchemaName(schema);
    const pool = new Pool({ connectionString, max: 4 });
    pool.on('error', () => undefined);
    return new PostgresAuditLog(pool, schema, policy);
  }

  async append(records: readonly AuditRecord[], at: Date): Promise<readonly AuditEntry[]> {
    if (records.length === 0) return [];
    const stored = await this.inTransaction((client) => this.chain.appendWithin(client, records, at));
    return stored.map(parseStoredEntry);
  }

  checkpointIfDue(at: Date): Promise<AuditCheckpoint | undefined> {
    return this.inTransaction((client) => this.chain.checkpointWithin(client, at));
  }

  async query(query: AuditQuery): Promise<AuditEntry[]> {
    const s = `"${this.schema}"`;
    const keys = [query.caseId && caseKey(query.caseId), query.party && partyKey(query.party)].filter((key): key is string => !!key);
    const params: (string | number)[] = [];
    const param = (value: string | number) => `$${params.push(value)}`;
    const [driving, ...others] = keys;
    const conditions: string[] = [];
    if (driving) conditions.push(`d.key = ${param(driving)}`);
    conditions.push(`e.seq > ${param(query.afterSeq === undefined ? 0 : sequenceNumber(query.afterSeq, 'afterSeq'))}`);
    for (const key of others) conditions.push(`EXISTS (SELECT 1 FROM ${s}.audit_index o WHERE o.key = ${param(key)} AND o.seq = e.seq)`);
    if (query.operation) conditions.push(`e.operation = ${param(query.operation)}`);
    const from = driving ? `${s}.audit_index d JOIN ${s}.audit_entries e ON e.seq = d.seq` : `${s}.audit_entries e`;
    const { rows } = await this.pool.query<EntryRow>(
      `SELECT e.seq::text AS seq, e.entry AS text, e.hash FROM ${from} WHERE ${conditions.join(' AND ')} ORDER BY e.seq LIMIT ${param(pageLimit(query.limit))}`,
      params,
    );
    return rows.map((row) => parseStoredEntry(storedEntry(row)));
  }

  async readChain(afterSeq: number, limit: number): Promise<StoredAuditEntry[]> {
    const { rows } = await this.pool.query<EntryRow>(
      `SELECT e.seq::text AS seq, e.entry AS text, e.hash FROM "${this.schema}".audit_entries e WHERE e.seq > $1 ORDER BY e.seq LIMIT $2`,
      [sequenceNumber(afterSeq, 'afterSeq'), sequenceNumber(limit, 'limit')],
    );
    return rows.map(storedEntry);
  }

  async readCheckpoints(afterSeq: number, limit: number): Promise<AuditCheckpoint[]> {
    const { rows } = await this.pool.query<CheckpointRow>(
      `SELECT c.seq::text AS seq, c.head_hash, c.at, c.key_id, c.signature FROM "${this.schema}".audit_checkpoints c WHERE c.seq > $1 ORDER BY c.seq LIMIT $2`,
      [sequenceNumber(afterSeq, 'afterSeq'), sequenceNumber(limit, 'limit')],
    );
    return rows.map((row) => ({ seq: Number(row.seq), headHash: row.head_hash, at: row.at, keyId: row.key_id, signature: row.signature }));
  }

  head(): Promise<ChainHead> {
    return this.chain.headOn(this.pool);
  }

  prune(before: Date, options: { readonly dryRun?: boolean } = {}): Promise<PruneResult> {
    const s = `"${this.schema}"`;
    return this.inTransaction(async (client) => {
      await this.chain.lockOn(client);
      const { rows } = await client.query<{ seq: string }>(
        `SELECT c.seq::text AS seq FROM ${s}.audit_checkpoints c WHERE c.at < $1 ORDER BY c.seq DESC LIMIT 1`,
        [before.toISOString()],
      );
      const throughSeq = rows[0] ? Number(rows[0].seq) : 0;
      const counted = await client.query<{ entries: number }>(`SELECT count(*)::integer AS entries FROM ${s}.audit_entries WHERE seq <= $1`, [throughSeq]);
      if (!options.dryRun && throughSeq > 0) {
        await client.query(`DELETE FROM ${s}.audit_index WHERE seq <= $1`, [throughSeq]);
        await client.query(`DELETE FROM ${s}.audit_entries WHERE seq <= $1`, [throughSeq]);
        await client.query(`DELETE FROM ${s}.audit_checkpoints WHERE seq < $1`, [throughSeq]);
      }
      return { entries: counted.rows[0].entries, throughSeq };
    });
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }

  private inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }
}

const storedEntry = (row: EntryRow): StoredAuditEntry => ({ seq: Number(row.seq), text: row.text, hash: row.hash });
