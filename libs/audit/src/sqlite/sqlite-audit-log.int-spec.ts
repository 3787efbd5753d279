import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EMPTY_CHAIN } from '../audit-entry';
import type { AuditCheckpoint } from '../audit-signing';
import { describeAuditLogConformance } from '../conformance/audit-log.conformance';
import { describeAuditLogTampering, type RawAuditTables } from '../conformance/audit-log-tampering.conformance';
import { AUDIT_T0, auditRecord, auditTime, checkpointPolicy, newAuditSigner, trustedSigners } from '../testing/audit-fixtures';
import { verifyAuditLog } from '../verify-audit-log';
import { SqliteAuditChain, SqliteAuditLog } from './sqlite-audit-log';

describe('SqliteAuditLog', () => {
  const directory = mkdtempSync(join(tmpdir(), 'cmx-audit-log-'));
  const newFile = () => join(directory, randomUUID(), 'audit.sqlite');

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  /** Runs `work` on a connection of its own to the file. */
  const withRawConnection = <T>(file: string, work: (raw: Database.Database) => T): T => {
    const raw = new Database(file);
    try {
      raw.pragma('busy_timeout = 10000');
      return work(raw);
    } finally {
      raw.close();
    }
  };

  describeAuditLogConformance('sqlite', async (policy) => {
    const file = newFile();
    return { log: SqliteAuditLog.open(file, policy), openAnother: async (otherPolicy) => SqliteAuditLog.open(file, otherPolicy) };
  });

  describeAuditLogTampering('sqlite', async (policy) => {
    const file = newFile();
    const log = SqliteAuditLog.open(file, policy);
    const run = (sql: string, ...params: unknown[]) => withRawConnection(file, (raw) => raw.prepare(sql).run(...params));
    const raw: RawAuditTables = {
      entry: async (seq) => {
        const row = withRawConnection(file, (db) => db.prepare('SELECT entry AS text, hash FROM audit_entries WHERE seq = ?').get(seq));
        if (!row) throw new Error(`no entry ${seq}`);
        return row as { text: string; hash: string };
      },
      setEntry: async (seq, text, hash) => {
        expect(run('UPDATE audit_entries SET entry = ?, hash = ? WHERE seq = ?', text, hash, seq).changes).toBe(1);
      },
      deleteEntries: async (seqs) => {
        expect(run(`DELETE FROM audit_entries WHERE seq IN (${seqs.map(() => '?').join(', ')})`, ...seqs).changes).toBe(seqs.length);
      },
      insertCheckpoint: async (checkpoint) => {
        run(
          'INSERT INTO audit_checkpoints (seq, head_hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?)',
          checkpoint.seq,
          checkpoint.headHash,
          checkpoint.at,
          checkpoint.keyId,
          checkpoint.signature,
        );
      },
      setCheckpoint: async ({ seq, ...changes }) => {
        const columns = checkpointColumns(changes);
        const result = run(
          `UPDATE audit_checkpoints SET ${columns.map(([column]) => `${column} = ?`).join(', ')} WHERE seq = ?`,
          ...columns.map(([, value]) => value),
          seq,
        );
        expect(result.changes).toBe(1);
      },
    };
    return { log, raw };
  });

  describe('engine specifics', () => {
    const signer = newAuditSigner();
    const policy = checkpointPolicy(signer, { everyEntries: 3 });
    const opened: SqliteAuditLog[] = [];
    let file: string;

    const open = (): SqliteAuditLog => {
      const log = SqliteAuditLog.open(file, policy);
      opened.push(log);
      return log;
    };

    beforeEach(() => {
      file = newFile();
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((log) => log.close()));
    });

    it('creates the directory and the tables on first open, the file in WAL journal mode', () => {
      open();

      withRawConnection(file, (raw) => {
        expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
        const tables = raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
        expect(tables).toEqual(['audit_checkpoints', 'audit_entries', 'audit_index']);
      });
    });

    it('keeps the chain and its checkpoints across a reopen, and goes on from its head', async () => {
      const log = open();
      await log.append([auditRecord(), auditRecord({ party: 'NCB-BE' })], AUDIT_T0);
      const head = await log.head();
      await log.close();

      const reopened = open();

      expect(await reopened.head()).toEqual(head);
      const [third] = await reopened.append([auditRecord({ party: 'NCB-DE' })], auditTime(1_000));
      expect(third.seq).toBe(3);
      expect(await verifyAuditLog(reopened, trustedSigners(signer))).toMatchObject({ ok: true, entries: 3, checkpoints: 1, unsignedTail: 1 });
      expect(await reopened.query({ party: 'NCB-BE', limit: 10 })).toHaveLength(1);
    });

    it('rolls the whole append back (entries and index rows) when its checkpoint cannot be written', async () => {
      const log = open();
      withRawConnection(file, (raw) =>
        raw.exec("CREATE TRIGGER refuse_checkpoint BEFORE INSERT ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoint refused'); END"),
      );

      await expect(log.append([auditRecord(), auditRecord()], AUDIT_T0)).rejects.toMatchObject({
        code: 'SQLITE_CONSTRAINT_TRIGGER',
        message: 'checkpoint refused',
      });

      expect(await log.head()).toEqual(EMPTY_CHAIN);
      expect(await log.query({ party: 'NCB-NL', limit: 10 })).toEqual([]);
      expect(withRawConnection(file, (raw) => raw.prepare('SELECT count(*) FROM audit_index').pluck().get())).toBe(0);
    });

    it('indexes an entry of few rows in its append, one of many behind it (every 200 ms, or before a filtered query, also of entries another connection appended)', async () => {
      const log = open();
      const indexRows = () => withRawConnection(file, (raw) => raw.prepare('SELECT count(*) FROM audit_index').pluck().get());
      const pendingEntries = () => withRawConnection(file, (raw) => raw.prepare('SELECT count(*) FROM audit_entries WHERE indexed = 0').pluck().get());
      const manyCases = (prefix: string) =>
        Array.from({ length: 20 }, (_, n) => ({ caseId: `${prefix}-2026-${String(n + 1).padStart(6, '0')}`, messageIds: [] }));

      await log.append([auditRecord({ cases: [{ caseId: 'NL-2026-000009', messageIds: [] }] })], AUDIT_T0);
      expect([indexRows(), pendingEntries()]).toEqual([2, 0]); // the case and the party, in the append
      await log.append([auditRecord({ cases: manyCases('NL') })], auditTime(1_000));
      expect([indexRows(), pendingEntries()]).toEqual([2, 1]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect([indexRows(), pendingEntries()]).toEqual([23, 0]); // 20 cases and the party, behind it

      withRawConnection(file, (raw) => {
        const chain = new SqliteAuditChain(raw, policy);
        raw
          .transaction(() => chain.appendWithin([auditRecord({ party: 'NCB-BE', recipients: ['NCB-DE'], cases: manyCases('BE') })], auditTime(2_000)))
          .immediate();
      });
      expect(pendingEntries()).toBe(1);
      expect((await log.query({ party: 'NCB-DE', limit: 10 })).map((entry) => entry.seq)).toEqual([3]);
      expect(pendingEntries()).toBe(0);

      await log.append([auditRecord({ cases: manyCases('DE') })], auditTime(3_000));
      await log.close();
      const tool = SqliteAuditLog.open(file, policy, { indexBehind: false });
      opened.push(tool);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(pendingEntries()).toBe(1); // a tool that only reads leaves it pending…
      expect((await tool.query({ caseId: 'DE-2026-000020', limit: 10 })).map((entry) => entry.seq)).toEqual([4]); // …but a query misses nothing
    });
  });
});

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
