import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteAuditChain, type AuditRecord, type CheckpointPolicy } from '@cmx/audit';
import { UnknownCursor } from '@cmx/errors';
import {
  isCursor,
  type DeliveryChannelKind,
  type DeliveryLedger,
  type DispatchedBatch,
  type FeedItem,
  type MessageAcknowledgement,
  type Recipient,
} from './delivery-ledger.port';
import { instant, pageSize, party, position as checkedPosition } from './ledger-arguments';
import { RecordedListeners, recipientsByMessage } from './recorded-listeners';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS feed_payloads (
    position INTEGER PRIMARY KEY,
    payload  TEXT    NOT NULL
  );
  CREATE TABLE IF NOT EXISTS deliveries (
    party           TEXT    NOT NULL,
    position        INTEGER NOT NULL,
    message_id      TEXT    NOT NULL,
    channel         TEXT    NOT NULL CHECK (channel IN ('kafka', 'feed')),
    delivered_at    TEXT    NOT NULL,
    acknowledged_at TEXT,
    PRIMARY KEY (party, position)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS deliveries_message_id ON deliveries (message_id);
  CREATE TABLE IF NOT EXISTS delivery_checkpoint (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    position INTEGER NOT NULL,
    saved_at TEXT    NOT NULL
  );
`;

interface DeliveryRow {
  readonly party: string;
  readonly position: bigint;
  readonly messageId: string;
}

interface RecipientRow {
  readonly message_id: string;
  readonly party: string;
  readonly channel: DeliveryChannelKind;
  readonly delivered_at: string;
  readonly acknowledged_at: string | null;
}

/**
 * The delivery ledger in its own SQLite file (WAL, fsynced on every commit).
 * Positions are 64-bit integers: bound as BigInt and read back as BigInt, so
 * those above 2^53 keep every digit.
 */
export class SqliteDeliveryLedger implements DeliveryLedger {
  private readonly statements;
  private readonly recordBatch;
  private readonly acknowledgeThroughCursor;
  private readonly acknowledgeMessageIds;
  private readonly listeners = new RecordedListeners();

  private readonly audit: SqliteAuditChain | undefined;

  private constructor(
    private readonly db: Database.Database,
    audit: CheckpointPolicy | undefined,
  ) {
    this.audit = audit && new SqliteAuditChain(db, audit);
    db.defaultSafeIntegers(true);
    this.statements = {
      // ON CONFLICT DO NOTHING rather than INSERT OR IGNORE: OR IGNORE would also skip, silently, a row that breaks a CHECK.
      insertPayload: db.prepare('INSERT INTO feed_payloads (position, payload) VALUES (?, ?) ON CONFLICT DO NOTHING'),
      insertDelivery: db.prepare('INSERT INTO deliveries (party, position, message_id, channel, delivered_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      saveCheckpoint: db.prepare(
        `INSERT INTO delivery_checkpoint (id, position, saved_at) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET position = excluded.position, saved_at = excluded.saved_at`,
      ),
      checkpoint: db.prepare('SELECT position FROM delivery_checkpoint WHERE id = 1').pluck(),
      readFeed: db.prepare(
        `SELECT d.position AS cursor, p.payload FROM deliveries d JOIN feed_payloads p ON p.position = d.position
         WHERE d.party = ? AND d.position > ? ORDER BY d.position LIMIT ?`,
      ),
      lastCursor: db.prepare('SELECT max(position) FROM deliveries WHERE party = ?').pluck(),
      isDelivered: db.prepare('SELECT 1 FROM deliveries WHERE party = ? AND position = ?').pluck(),
      acknowledgeThrough: db.prepare('UPDATE deliveries SET acknowledged_at = ? WHERE party = ? AND position <= ? AND acknowledged_at IS NULL'),
      deliveredMessageIds: db.prepare('SELECT DISTINCT message_id FROM deliveries WHERE party = ? AND message_id IN (SELECT value FROM json_each(?))').pluck(),
      acknowledgeMessages: db.prepare(
        `UPDATE deliveries SET acknowledged_at = ?
         WHERE party = ? AND message_id IN (SELECT value FROM json_each(?)) AND acknowledged_at IS NULL`,
      ),
      recipients: db.prepare(
        `SELECT message_id, party, channel, delivered_at, acknowledged_at FROM deliveries
         WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY message_id, party`,
      ),
    };
    this.recordBatch = db.transaction(
      (
        payloads: ReadonlyMap<bigint, string>,
        deliveries: readonly DeliveryRow[],
        channel: string,
        deliveredAt: string,
        checkpoint: bigint,
        disclosures: readonly AuditRecord[],
      ) => {
        for (const [position, payload] of payloads) this.statements.insertPayload.run(position, payload);
        for (const delivery of deliveries) {
          this.statements.insertDelivery.run(delivery.party, delivery.position, delivery.messageId, channel, deliveredAt);
        }
        this.statements.saveCheckpoint.run(checkpoint, new Date().toISOString());
        if (disclosures.length > 0) this.audit!.appendWithin(disclosures, new Date(deliveredAt));
      },
    );
    this.acknowledgeThroughCursor = db.transaction((party: string, cursor: bigint, acknowledgedAt: string): number => {
      if (this.statements.isDelivered.get(party, cursor) === undefined) throw new UnknownCursor(cursor.toString());
      return this.statements.acknowledgeThrough.run(acknowledgedAt, party, cursor).changes;
    });
    this.acknowledgeMessageIds = db.transaction((party: string, messageIds: string, acknowledgedAt: string) => {
      const delivered = this.statements.deliveredMessageIds.all(party, messageIds) as string[];
      const { changes } = this.statements.acknowledgeMessages.run(acknowledgedAt, party, messageIds);
      return { delivered: new Set(delivered), acknowledged: changes };
    });
  }

  /**
   * Opens the file, creating its directory and tables if missing. With the
   * audit log's checkpoint policy, the file holds the audit chain too and
   * each batch's disclosures are appended in the batch's transaction.
   */
  static open(file: string, audit?: CheckpointPolicy): SqliteDeliveryLedger {
    mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 10000');
      db.exec(SCHEMA);
      return new SqliteDeliveryLedger(db, audit);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async record(batch: DispatchedBatch): Promise<void> {
    const checkpoint = position(batch.checkpoint, 'checkpoint');
    const deliveredAt = instant(batch.deliveredAt, 'deliveredAt');
    const payloads = new Map<bigint, string>();
    const deliveries = batch.deliveries.map((delivery): DeliveryRow => {
      const row = {
        party: party(delivery.party),
        position: position(delivery.payload.position, 'delivery position'),
        messageId: delivery.payload.messageId.toLowerCase(),
      };
      if (!payloads.has(row.position)) payloads.set(row.position, JSON.stringify(delivery.payload));
      return row;
    });
    const disclosures = batch.disclosures ?? [];
    if (disclosures.length > 0 && !this.audit) throw new Error('this ledger was opened without the audit log: it cannot record disclosures');
    this.recordBatch.immediate(payloads, deliveries, batch.channel, deliveredAt, checkpoint, disclosures);
    this.listeners.notify();
  }

  async checkpoint(): Promise<string | undefined> {
    return (this.statements.checkpoint.get() as bigint | undefined)?.toString();
  }

  async readFeed(party: string, after: string | undefined, limit: number): Promise<FeedItem[]> {
    const afterPosition = after === undefined ? -1n : position(after, 'after');
    const rows = this.statements.readFeed.all(party, afterPosition, pageSize(limit)) as { cursor: bigint; payload: string }[];
    return rows.map((row) => ({ cursor: row.cursor.toString(), delivery: JSON.parse(row.payload) }));
  }

  async lastCursor(party: string): Promise<string | undefined> {
    return (this.statements.lastCursor.get(party) as bigint | null)?.toString();
  }

  async acknowledgeThrough(party: string, cursor: string, acknowledgedAt: string): Promise<number> {
    const at = instant(acknowledgedAt, 'acknowledgedAt');
    if (!isCursor(cursor)) throw new UnknownCursor(cursor);
    return this.acknowledgeThroughCursor.immediate(party, BigInt(cursor), at);
  }

  async acknowledgeMessages(party: string, messageIds: readonly string[], acknowledgedAt: string): Promise<MessageAcknowledgement> {
    const at = instant(acknowledgedAt, 'acknowledgedAt');
    const given = [...new Set(messageIds.map((id) => id.toLowerCase()))];
    const { delivered, acknowledged } = this.acknowledgeMessageIds.immediate(party, JSON.stringify(given), at);
    return { acknowledged, unknown: given.filter((messageId) => !delivered.has(messageId)) };
  }

  async recipientsOf(messageIds: readonly string[]): Promise<ReadonlyMap<string, readonly Recipient[]>> {
    const rows = this.statements.recipients.all(JSON.stringify([...new Set(messageIds.map((id) => id.toLowerCase()))])) as RecipientRow[];
    return recipientsByMessage(
      rows.map((row) => ({
        messageId: row.message_id,
        recipient: { party: row.party, channel: row.channel, deliveredAt: row.delivered_at, acknowledgedAt: row.acknowledged_at },
      })),
    );
  }

  onRecorded(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  recordedElsewhere(): void {
    this.listeners.notify();
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

const position = (value: string, what: string): bigint => BigInt(checkedPosition(value, what));
