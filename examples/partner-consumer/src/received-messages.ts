import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { DeliveryIdentity } from './delivery-deduplicator';
import type { ErasureNotice, MessageDelivery } from './delivery';

/*
 * received_messages   the copies: one row per message delivery handled, the value as received.
 *                     An erasure notice deletes rows here.
 * case_versions       per case, the highest case version handled (messages and notices).
 * handled_deliveries  the ids of every delivery handled, messages and notices, and when it was
 *                     acknowledged. Ids, versions and types only, no content: they stay after an
 *                     erasure, so that a repeat of an erased message is recognised and never stored again.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS received_messages (
    message_id   TEXT    PRIMARY KEY,
    case_id      TEXT    NOT NULL,
    case_version INTEGER NOT NULL,
    type         TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    stored_at    TEXT    NOT NULL
  );
  CREATE INDEX IF NOT EXISTS received_messages_case ON received_messages (case_id, case_version);
  CREATE TABLE IF NOT EXISTS case_versions (
    case_id      TEXT    PRIMARY KEY,
    last_version INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS handled_deliveries (
    message_id      TEXT    PRIMARY KEY,
    case_id         TEXT    NOT NULL,
    case_version    INTEGER NOT NULL,
    type            TEXT    NOT NULL,
    handled_at      TEXT    NOT NULL,
    acknowledged_at TEXT
  ) WITHOUT ROWID;
`;

/** Like the deduplicator's verdict; a repeat by message id says whether the first one was acknowledged. */
export type StoredVerdict =
  | { readonly repeat: false }
  | { readonly repeat: true; readonly reason: 'message-id'; readonly acknowledged: boolean }
  | { readonly repeat: true; readonly reason: 'case-version'; readonly lastCaseVersion: number };

export interface StoredMessage {
  readonly messageId: string;
  readonly caseId: string;
  readonly caseVersion: number;
  readonly type: string;
  /** The delivery's value as received. */
  readonly value: MessageDelivery;
  readonly storedAt: string;
}

export interface ErasureOutcome {
  /** Stored messages deleted by this notice (0 for a repeat: they went the first time). */
  readonly deleted: number;
}

interface MessageRow {
  readonly message_id: string;
  readonly case_id: string;
  readonly case_version: number;
  readonly type: string;
  readonly value: string;
  readonly stored_at: string;
}

export interface ReceivedMessagesOptions {
  readonly now?: () => Date;
}

/**
 * What this partner received, in its own SQLite file (WAL, synchronous=FULL:
 * each commit is on disk before the handler returns). Storing a message and
 * raising its case's last version are one transaction, and so are an
 * erasure's deletions and its notice's record: a delivery handled before a
 * crash is a repeat after it, and one not handled left nothing behind.
 *
 * Deleted rows are overwritten (secure_delete), and after an erasure the WAL
 * is checkpointed and truncated, so that the erased content leaves this
 * file and its -wal file. Copies elsewhere (backups, exports, derived data)
 * are the partner's to delete.
 */
export class ReceivedMessages {
  private readonly statements;
  private readonly storeMessageTransaction;
  private readonly eraseTransaction;
  private readonly now: () => Date;

  private constructor(
    private readonly db: Database.Database,
    options: ReceivedMessagesOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.statements = {
      handled: db.prepare('SELECT acknowledged_at FROM handled_deliveries WHERE message_id = ?'),
      lastVersion: db.prepare('SELECT last_version FROM case_versions WHERE case_id = ?').pluck(),
      recordHandled: db.prepare(
        `INSERT INTO handled_deliveries (message_id, case_id, case_version, type, handled_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (message_id) DO NOTHING`,
      ),
      raiseVersion: db.prepare(
        `INSERT INTO case_versions (case_id, last_version) VALUES (?, ?)
         ON CONFLICT (case_id) DO UPDATE SET last_version = max(last_version, excluded.last_version)`,
      ),
      insertMessage: db.prepare(
        `INSERT INTO received_messages (message_id, case_id, case_version, type, value, stored_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (message_id) DO NOTHING`,
      ),
      deleteMessages: db.prepare('DELETE FROM received_messages WHERE message_id IN (SELECT value FROM json_each(?))'),
      deleteCase: db.prepare('DELETE FROM received_messages WHERE case_id = ?'),
      acknowledge: db.prepare('UPDATE handled_deliveries SET acknowledged_at = ? WHERE message_id = ? AND acknowledged_at IS NULL'),
      message: db.prepare('SELECT * FROM received_messages WHERE message_id = ?'),
      messagesOf: db.prepare('SELECT * FROM received_messages WHERE case_id = ? ORDER BY case_version'),
      count: db.prepare('SELECT count(*) FROM received_messages').pluck(),
    };
    this.storeMessageTransaction = db.transaction((message: MessageDelivery, at: string): boolean => {
      if (this.check(message).repeat) return false;
      this.statements.insertMessage.run(message.messageId, message.caseId, message.caseVersion, message.type, JSON.stringify(message), at);
      this.record(message, at);
      return true;
    });
    this.eraseTransaction = db.transaction((notice: ErasureNotice, at: string): number => {
      // Deleting again is harmless; so a repeat deletes whatever is still there (nothing, normally).
      let deleted = this.statements.deleteMessages.run(JSON.stringify(notice.messageIds)).changes;
      if (notice.wholeCase) deleted += this.statements.deleteCase.run(notice.caseId).changes;
      this.record(notice, at);
      return deleted;
    });
  }

  /** Opens the file, creating its directory and tables if missing. */
  static open(file: string, options: ReceivedMessagesOptions = {}): ReceivedMessages {
    mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('secure_delete = ON');
      db.exec(SCHEMA);
    } catch (error) {
      db.close();
      throw error;
    }
    return new ReceivedMessages(db, options);
  }

  /** Whether `delivery` (a message or a notice) repeats one handled. Records nothing. */
  check(delivery: DeliveryIdentity): StoredVerdict {
    const handled = this.statements.handled.get(delivery.messageId) as { acknowledged_at: string | null } | undefined;
    if (handled !== undefined) return { repeat: true, reason: 'message-id', acknowledged: handled.acknowledged_at !== null };
    const lastCaseVersion = this.statements.lastVersion.get(delivery.caseId) as number | undefined;
    if (lastCaseVersion !== undefined && delivery.caseVersion <= lastCaseVersion) {
      return { repeat: true, reason: 'case-version', lastCaseVersion };
    }
    return { repeat: false };
  }

  /**
   * Stores a message delivery and records it as handled, in one transaction.
   * False, storing nothing: it repeats one handled (an erased one included).
   */
  storeMessage(message: MessageDelivery): boolean {
    return this.storeMessageTransaction(message, this.now().toISOString());
  }

  /**
   * Deletes the stored messages an erasure notice names and, for a whole
   * case, every stored message of the case, and records the notice as
   * handled, in one transaction; then moves the erased content out of the
   * write-ahead log. Idempotent: a repeat deletes nothing more.
   */
  erase(notice: ErasureNotice): ErasureOutcome {
    const deleted = this.eraseTransaction(notice, this.now().toISOString());
    if (deleted > 0) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return { deleted };
  }

  /** Notes that the exchange took the acknowledgement of a handled delivery. */
  acknowledged(messageId: string): void {
    this.statements.acknowledge.run(this.now().toISOString(), messageId);
  }

  message(messageId: string): StoredMessage | undefined {
    const row = this.statements.message.get(messageId) as MessageRow | undefined;
    return row && stored(row);
  }

  messagesOf(caseId: string): StoredMessage[] {
    return (this.statements.messagesOf.all(caseId) as MessageRow[]).map(stored);
  }

  get size(): number {
    return this.statements.count.get() as number;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private record(delivery: DeliveryIdentity & { readonly type: string }, at: string): void {
    this.statements.recordHandled.run(delivery.messageId, delivery.caseId, delivery.caseVersion, delivery.type, at);
    this.statements.raiseVersion.run(delivery.caseId, delivery.caseVersion);
  }
}

function stored(row: MessageRow): StoredMessage {
  return {
    messageId: row.message_id,
    caseId: row.case_id,
    caseVersion: row.case_version,
    type: row.type,
    value: JSON.parse(row.value) as MessageDelivery,
    storedAt: row.stored_at,
  };
}
