import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { newDataKey, type DataKey } from '../data-key-cipher';
import { caseKeysOf, type DataKeyRow, type KeyCaseRow } from '../key-store-rows';
import { KeysErased, type CaseKeys, type KeyStore, type ProtectionChange } from '../key-store.port';

const CHUNK = 500;
const KEY_COLUMNS = 'case_id, ref, key, restricted, erased';

interface PendingProvide {
  readonly caseId: string;
  readonly owner: string;
  readonly refs: readonly string[];
  readonly resolve: (keys: ReadonlyMap<string, DataKey>) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The embedded key store, `DATA_DIR/keys.sqlite`: WAL with synchronous=FULL, and
 * secure_delete so that a destroyed key's bytes are overwritten with zeros; the
 * WAL is checkpointed and truncated after each erasure, so no copy of the key
 * stays in it. Keys asked for in one turn of the event loop are made in one transaction.
 */
export class SqliteKeyStore implements KeyStore {
  private pending: PendingProvide[] = [];
  private flushScheduled = false;
  /** A checkpoint after an erasure found the WAL held by a reader: it is made again until it succeeds. */
  private checkpointOwed = false;
  private retry: NodeJS.Timeout | undefined;

  private readonly statements = new Map<string, Database.Statement>();

  private constructor(private readonly db: Database.Database) {}

  /** Prepared once: preparing costs more than running the small statements of a provide. */
  private statement<Params extends unknown[] = unknown[], Row = unknown>(sql: string): Database.Statement<Params, Row> {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement as unknown as Database.Statement<Params, Row>;
  }

  static open(file: string): SqliteKeyStore {
    mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('secure_delete = ON');
      db.pragma('busy_timeout = 10000');
      db.exec(`
        CREATE TABLE IF NOT EXISTS key_cases (
          case_id TEXT PRIMARY KEY,
          owner TEXT NOT NULL,
          erased INTEGER NOT NULL DEFAULT 0,
          protection_version INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS data_keys (
          case_id TEXT NOT NULL,
          ref TEXT NOT NULL,
          key BLOB,
          restricted INTEGER NOT NULL DEFAULT 0,
          erased INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (case_id, ref)
        );`);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteKeyStore(db);
  }

  provide(caseId: string, owner: string, refs: readonly string[]): Promise<ReadonlyMap<string, DataKey>> {
    return new Promise((resolve, reject) => {
      this.pending.push({ caseId, owner, refs, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flushPending());
      }
    });
  }

  private flushPending(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const outcomes: { keys?: Map<string, DataKey>; error?: unknown }[] = [];
    try {
      this.db
        .transaction(() => {
          for (const request of batch) {
            try {
              outcomes.push({ keys: this.provideWithin(request) });
            } catch (error) {
              if (!(error instanceof KeysErased)) throw error;
              outcomes.push({ error });
            }
          }
        })
        .immediate();
    } catch (error) {
      batch.forEach((request) => request.reject(error));
      return;
    }
    batch.forEach((request, index) => (outcomes[index].error ? request.reject(outcomes[index].error) : request.resolve(outcomes[index].keys!)));
  }

  private provideWithin({ caseId, owner, refs }: PendingProvide): Map<string, DataKey> {
    const known = this.statement<[string], KeyCaseRow>('SELECT case_id, owner, erased FROM key_cases WHERE case_id = ?').get(caseId);
    if (known?.erased) throw new KeysErased(caseId, []);
    if (!known) this.statement('INSERT INTO key_cases (case_id, owner) VALUES (?, ?)').run(caseId, owner);
    const rows = this.statement<[string], DataKeyRow>(`SELECT ${KEY_COLUMNS} FROM data_keys WHERE case_id = ?`).all(caseId);
    const byRef = new Map(rows.map((row) => [row.ref, row]));
    const erased = refs.filter((ref) => byRef.get(ref)?.erased);
    if (erased.length > 0) throw new KeysErased(caseId, erased);
    const upsert = this.statement('INSERT INTO data_keys (case_id, ref, key) VALUES (?, ?, ?) ON CONFLICT (case_id, ref) DO UPDATE SET key = excluded.key');
    const keys = new Map<string, DataKey>();
    for (const ref of refs) {
      const stored = byRef.get(ref)?.key;
      if (stored) keys.set(ref, Buffer.from(stored));
      else if (!keys.has(ref)) {
        const key = newDataKey();
        upsert.run(caseId, ref, key);
        keys.set(ref, key);
      }
    }
    return keys;
  }

  async keysOf(caseIds: readonly string[]): Promise<ReadonlyMap<string, CaseKeys>> {
    const ids = [...new Set(caseIds)];
    const cases: KeyCaseRow[] = [];
    const keys: DataKeyRow[] = [];
    for (let start = 0; start < ids.length; start += CHUNK) {
      const chunk = ids.slice(start, start + CHUNK);
      const marks = chunk.map(() => '?').join(', ');
      cases.push(...this.statement<string[], KeyCaseRow>(`SELECT case_id, owner, erased FROM key_cases WHERE case_id IN (${marks})`).all(...chunk));
      keys.push(...this.statement<string[], DataKeyRow>(`SELECT ${KEY_COLUMNS} FROM data_keys WHERE case_id IN (${marks})`).all(...chunk));
    }
    return caseKeysOf(cases, keys);
  }

  async protect(caseId: string, change: ProtectionChange): Promise<void> {
    const destroyed = this.db
      .transaction(() => {
        const current = this.statement<[string], { protection_version: number }>('SELECT protection_version FROM key_cases WHERE case_id = ?').get(caseId);
        if (!current) this.statement('INSERT INTO key_cases (case_id, owner) VALUES (?, ?)').run(caseId, change.owner);
        const newer = change.version > (current?.protection_version ?? 0);
        if (newer) this.statement('UPDATE key_cases SET protection_version = ? WHERE case_id = ?').run(change.version, caseId);
        if (change.kind === 'erase') return this.eraseWithin(caseId, change.refs);
        if (newer) this.restrictWithin(caseId, change.refs, change.kind === 'restrict' ? 1 : 0);
        return 0;
      })
      .immediate();
    if (destroyed > 0 || this.checkpointOwed) this.truncateWal();
  }

  /**
   * Moves the WAL into the file and empties it, so that no copy of a destroyed key stays in it. A reader of the
   * file (another process) can hold the WAL: the attempt waits briefly, and is made again every second until it succeeds.
   */
  private truncateWal(): void {
    this.db.pragma('busy_timeout = 200');
    try {
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      this.checkpointOwed = result.busy !== 0;
    } finally {
      this.db.pragma('busy_timeout = 10000');
    }
    if (this.checkpointOwed && !this.retry) {
      this.retry = setTimeout(() => {
        this.retry = undefined;
        if (this.db.open) this.truncateWal();
      }, 1_000);
      this.retry.unref();
    }
  }

  private eraseWithin(caseId: string, refs: readonly string[] | 'wholeCase'): number {
    const rows = this.statement<[string], DataKeyRow>(`SELECT ${KEY_COLUMNS} FROM data_keys WHERE case_id = ?`).all(caseId);
    if (refs === 'wholeCase') this.statement('UPDATE key_cases SET erased = 1 WHERE case_id = ?').run(caseId);
    const targets = refs === 'wholeCase' ? rows.map((row) => row.ref) : refs;
    const keyed = new Set(rows.filter((row) => row.key).map((row) => row.ref));
    // A deleted row's bytes are zeroed (secure_delete); the tombstone put in its place says the ref was erased.
    const remove = this.statement('DELETE FROM data_keys WHERE case_id = ? AND ref = ?');
    const tombstone = this.statement(
      'INSERT INTO data_keys (case_id, ref, key, erased) VALUES (?, ?, NULL, 1) ON CONFLICT (case_id, ref) DO UPDATE SET erased = 1',
    );
    let destroyed = 0;
    for (const ref of targets) {
      if (keyed.has(ref)) {
        remove.run(caseId, ref);
        destroyed++;
      }
      tombstone.run(caseId, ref);
    }
    return destroyed;
  }

  /** A ref without a key (a person stored before encryption) gets a row with no key to hold the mark. */
  private restrictWithin(caseId: string, refs: readonly string[] | 'wholeCase', restricted: number): void {
    if (refs === 'wholeCase') {
      this.statement('UPDATE data_keys SET restricted = ? WHERE case_id = ?').run(restricted, caseId);
      return;
    }
    const mark = this.statement(
      'INSERT INTO data_keys (case_id, ref, key, restricted) VALUES (?, ?, NULL, ?) ON CONFLICT (case_id, ref) DO UPDATE SET restricted = excluded.restricted',
    );
    for (const ref of refs) mark.run(caseId, ref, restricted);
  }

  async ping(): Promise<void> {
    this.statement('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.pending.length > 0) this.flushPending();
    clearTimeout(this.retry);
    if (this.db.open && this.checkpointOwed) this.truncateWal();
    if (this.db.open) this.db.close();
  }
}
