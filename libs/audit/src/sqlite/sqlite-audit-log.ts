import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { chainWrite, type LastCheckpoint } from '../audit-chain';
import {
  caseKey,
  EMPTY_CHAIN,
  indexKeysOf,
  parseStoredEntry,
  partyKey,
  type AuditEntry,
  type AuditRecord,
  type ChainHead,
  type StoredAuditEntry,
} from '../audit-entry';
import { pageLimit, sequenceNumber } from '../audit-arguments';
import type { AuditLog, AuditQuery, CheckpointPolicy, PruneResult } from '../audit-log.port';
import type { AuditCheckpoint } from '../audit-signing';

const AUDIT_SCHEMA = `
  CREATE TABLE IF NOT EXISTS audit_entries (
    seq       INTEGER PRIMARY KEY,
    operation TEXT    NOT NULL,
    entry     TEXT    NOT NULL,
    hash      TEXT    NOT NULL,
    indexed   INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX IF NOT EXISTS audit_entries_to_index ON audit_entries (seq) WHERE indexed = 0;
  CREATE TABLE IF NOT EXISTS audit_index (
    key TEXT    NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (key, seq)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS audit_checkpoints (
    seq       INTEGER PRIMARY KEY,
    head_hash TEXT    NOT NULL,
    at        TEXT    NOT NULL,
    key_id    TEXT    NOT NULL,
    signature TEXT    NOT NULL
  );
`;

/** The last entry, or the checkpoint that anchors the next entry when a prune removed them all. */
const HEAD_SQL = `SELECT seq, hash FROM (
    SELECT * FROM (SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1)
    UNION ALL
    SELECT * FROM (SELECT seq, head_hash AS hash FROM audit_checkpoints ORDER BY seq DESC LIMIT 1)
  ) ORDER BY seq DESC LIMIT 1`;

interface CheckpointRow {
  readonly seq: number;
  readonly head_hash: string;
  readonly at: string;
  readonly key_id: string;
  readonly signature: string;
}

/** Entries indexed per transaction at most (≈ 0.1 s of the event loop when catching up on a large backlog). */
const INDEX_BATCH = 5_000;
/** An entry with more index rows than this (a feed page's, a board's) is indexed behind its append. */
const INLINE_INDEX_ROWS = 16;
/** How often the log indexes what was appended meanwhile. */
const INDEX_EVERY_MS = 200;

/**
 * The chain's tables on a connection that another adapter may own too: the
 * SQLite delivery ledger writes a batch's disclosures with its own
 * transaction. Call the *Within methods inside a write transaction.
 *
 * An entry that names many cases (a feed page names up to a thousand) is
 * stored `indexed = 0` and its index rows are written later, many such
 * entries' at once and sorted by key (indexPendingWithin): written in the
 * append, rows scattered over the index cost a feed page's commit some
 * 800 KiB of pages. A filtered query indexes what is pending first, so it
 * misses nothing. Entries with few rows are indexed in their append.
 */
export class SqliteAuditChain {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly policy: CheckpointPolicy,
  ) {
    db.exec(AUDIT_SCHEMA);
    // Sequence numbers as plain numbers, whatever the connection's default (the delivery ledger's reads BigInt).
    const prepare = (sql: string) => db.prepare(sql).safeIntegers(false);
    this.statements = {
      head: prepare(HEAD_SQL),
      lastCheckpoint: prepare('SELECT seq, at FROM audit_checkpoints ORDER BY seq DESC LIMIT 1'),
      insertEntry: prepare('INSERT INTO audit_entries (seq, operation, entry, hash, indexed) VALUES (?, ?, ?, ?, ?)'),
      pending: prepare('SELECT seq, entry AS text, hash FROM audit_entries WHERE indexed = 0 ORDER BY seq LIMIT ?'),
      anyPending: prepare('SELECT 1 FROM audit_entries WHERE indexed = 0 LIMIT 1').pluck(),
      insertIndex: prepare('INSERT INTO audit_index (key, seq) VALUES (?, ?) ON CONFLICT DO NOTHING'),
      markIndexed: prepare('UPDATE audit_entries SET indexed = 1 WHERE indexed = 0 AND seq <= ?'),
      insertCheckpoint: prepare('INSERT INTO audit_checkpoints (seq, head_hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?)'),
    };
  }

  appendWithin(records: readonly AuditRecord[], at: Date): StoredAuditEntry[] {
    const write = chainWrite(this.headWithin(), this.lastCheckpointWithin(), records, at, this.policy);
    const rowsBySeq = new Map<number, { key: string; seq: number }[]>();
    for (const row of write.index) {
      const rows = rowsBySeq.get(row.seq);
      if (rows) rows.push(row);
      else rowsBySeq.set(row.seq, [row]);
    }
    write.entries.forEach((entry, i) => {
      const rows = rowsBySeq.get(entry.seq) ?? [];
      const inline = rows.length <= INLINE_INDEX_ROWS;
      this.statements.insertEntry.run(entry.seq, records[i].operation, entry.text, entry.hash, inline ? 1 : 0);
      if (inline) for (const row of rows) this.statements.insertIndex.run(row.key, row.seq);
    });
    if (write.checkpoint) this.insertCheckpoint(write.checkpoint);
    return [...write.entries];
  }

  checkpointWithin(at: Date): AuditCheckpoint | undefined {
    const write = chainWrite(this.headWithin(), this.lastCheckpointWithin(), [], at, this.policy);
    if (write.checkpoint) this.insertCheckpoint(write.checkpoint);
    return write.checkpoint;
  }

  /** Writes the index rows of the entries appended since the last call (at most INDEX_BATCH of them); how many it indexed. */
  indexPendingWithin(): number {
    const pending = this.statements.pending.all(INDEX_BATCH) as StoredAuditEntry[];
    if (pending.length === 0) return 0;
    const rows = pending.flatMap((stored) => indexKeysOf(parseStoredEntry(stored)).map((key) => ({ key, seq: stored.seq })));
    rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.seq - b.seq));
    for (const row of rows) this.statements.insertIndex.run(row.key, row.seq);
    this.statements.markIndexed.run(pending[pending.length - 1].seq);
    return pending.length;
  }

  hasPendingIndex(): boolean {
    return this.statements.anyPending.get() !== undefined;
  }

  headWithin(): ChainHead {
    return (this.statements.head.get() as ChainHead | undefined) ?? EMPTY_CHAIN;
  }

  private lastCheckpointWithin(): LastCheckpoint | undefined {
    return this.statements.lastCheckpoint.get() as LastCheckpoint | undefined;
  }

  private insertCheckpoint(checkpoint: AuditCheckpoint): void {
    this.statements.insertCheckpoint.run(checkpoint.seq, checkpoint.headHash, checkpoint.at, checkpoint.keyId, checkpoint.signature);
  }
}

export interface SqliteAuditLogOptions {
  /** Index the entries appended with many cases every 200 ms (default true); a tool that only reads the chain passes false. */
  readonly indexBehind?: boolean;
}

/** The audit log in a SQLite file (WAL, fsynced on every commit); the embedded exchange keeps it in the delivery ledger's file. */
export class SqliteAuditLog implements AuditLog {
  private readonly chain: SqliteAuditChain;
  private readonly appendInTransaction;
  private readonly checkpointInTransaction;
  private readonly pruneInTransaction;
  private readonly indexInTransaction;
  private readonly indexer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly db: Database.Database,
    policy: CheckpointPolicy,
    options: SqliteAuditLogOptions,
  ) {
    this.chain = new SqliteAuditChain(db, policy);
    this.appendInTransaction = db.transaction((records: readonly AuditRecord[], at: Date) => this.chain.appendWithin(records, at));
    this.checkpointInTransaction = db.transaction((at: Date) => this.chain.checkpointWithin(at));
    this.indexInTransaction = db.transaction(() => this.chain.indexPendingWithin());
    if (options.indexBehind ?? true) {
      this.indexer = setInterval(() => {
        try {
          if (this.chain.hasPendingIndex()) this.indexInTransaction.immediate();
        } catch {
          // Busy or refused: the entries stay pending, and the next run or query indexes them.
        }
      }, INDEX_EVERY_MS);
      this.indexer.unref();
    }
    const anchor = db.prepare('SELECT seq FROM audit_checkpoints WHERE at < ? ORDER BY seq DESC LIMIT 1').pluck();
    const countEntries = db.prepare('SELECT count(*) FROM audit_entries WHERE seq <= ?').pluck();
    const removals = [
      db.prepare('DELETE FROM audit_index WHERE seq <= ?'),
      db.prepare('DELETE FROM audit_entries WHERE seq <= ?'),
      db.prepare('DELETE FROM audit_checkpoints WHERE seq < ?'),
    ];
    this.pruneInTransaction = db.transaction((before: string, dryRun: boolean): PruneResult => {
      const throughSeq = (anchor.get(before) as number | undefined) ?? 0;
      const entries = countEntries.get(throughSeq) as number;
      if (!dryRun && throughSeq > 0) for (const removal of removals) removal.run(throughSeq);
      return { entries, throughSeq };
    });
  }

  static open(file: string, policy: CheckpointPolicy, options: SqliteAuditLogOptions = {}): SqliteAuditLog {
    mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 10000');
      return new SqliteAuditLog(db, policy, options);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async append(records: readonly AuditRecord[], at: Date): Promise<readonly AuditEntry[]> {
    if (records.length === 0) return [];
    return this.appendInTransaction.immediate(records, at).map(parseStoredEntry);
  }

  async checkpointIfDue(at: Date): Promise<AuditCheckpoint | undefined> {
    return this.checkpointInTransaction.immediate(at);
  }

  async query(query: AuditQuery): Promise<AuditEntry[]> {
    const keys = [query.caseId && caseKey(query.caseId), query.party && partyKey(query.party)].filter((key): key is string => !!key);
    if (keys.length > 0) this.indexPending();
    const after = query.afterSeq === undefined ? 0 : sequenceNumber(query.afterSeq, 'afterSeq');
    const conditions: string[] = ['e.seq > ?'];
    const params: (string | number)[] = [after];
    const [driving, ...others] = keys;
    for (const key of others) {
      conditions.push('EXISTS (SELECT 1 FROM audit_index o WHERE o.key = ? AND o.seq = e.seq)');
      params.push(key);
    }
    if (query.operation) {
      conditions.push('e.operation = ?');
      params.push(query.operation);
    }
    const from = driving ? 'audit_index d JOIN audit_entries e ON e.seq = d.seq' : 'audit_entries e';
    if (driving) {
      conditions.unshift('d.key = ?');
      params.unshift(driving);
    }
    const rows = this.db
      .prepare(`SELECT e.seq, e.entry AS text, e.hash FROM ${from} WHERE ${conditions.join(' AND ')} ORDER BY e.seq LIMIT ?`)
      .all(...params, pageLimit(query.limit)) as StoredAuditEntry[];
    return rows.map(parseStoredEntry);
  }

  async readChain(afterSeq: number, limit: number): Promise<StoredAuditEntry[]> {
    return this.db
      .prepare('SELECT seq, entry AS text, hash FROM audit_entries WHERE seq > ? ORDER BY seq LIMIT ?')
      .all(sequenceNumber(afterSeq, 'afterSeq'), sequenceNumber(limit, 'limit')) as StoredAuditEntry[];
  }

  async readCheckpoints(afterSeq: number, limit: number): Promise<AuditCheckpoint[]> {
    const rows = this.db
      .prepare('SELECT seq, head_hash, at, key_id, signature FROM audit_checkpoints WHERE seq > ? ORDER BY seq LIMIT ?')
      .all(sequenceNumber(afterSeq, 'afterSeq'), sequenceNumber(limit, 'limit')) as CheckpointRow[];
    return rows.map((row) => ({ seq: row.seq, headHash: row.head_hash, at: row.at, keyId: row.key_id, signature: row.signature }));
  }

  async head(): Promise<ChainHead> {
    return this.chain.headWithin();
  }

  async prune(before: Date, options: { readonly dryRun?: boolean } = {}): Promise<PruneResult> {
    return this.pruneInTransaction.immediate(before.toISOString(), options.dryRun ?? false);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    clearInterval(this.indexer);
    if (this.db.open) this.db.close();
  }

  /** Indexes every entry still pending (those of a process that stopped before it did, too). */
  private indexPending(): void {
    while (this.indexInTransaction.immediate() === INDEX_BATCH);
  }
}
