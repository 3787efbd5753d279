import { Pool, type PoolClient } from 'pg';
import { PostgresAuditChain, type CheckpointPolicy } from '@cmx/audit';
import { UnknownCursor } from '@cmx/errors';
import { inTransaction, validateSchemaName } from '@cmx/event-store/postgres';
import {
  isCursor,
  type DeliveryChannelKind,
  type DeliveryLedger,
  type DispatchedBatch,
  type FeedItem,
  type MessageAcknowledgement,
  type Recipient,
} from './delivery-ledger.port';
import { instant, pageSize, party, position } from './ledger-arguments';
import { RecordedListeners, recipientsByMessage } from './recorded-listeners';

/**
 * Rows per INSERT. The rows go as a few array parameters (unnest), so the
 * limit of 65,535 parameters never binds; chunks keep each statement small.
 */
const ROWS_PER_STATEMENT = 5_000;

interface RecipientRow {
  readonly message_id: string;
  readonly party: string;
  readonly channel: DeliveryChannelKind;
  readonly delivered_at: Date;
  readonly acknowledged_at: Date | null;
}

/**
 * The delivery ledger in the exchange's PostgreSQL schema (tables created by
 * migration 003, `npm run migrate`). Positions are bigint in the database and
 * decimal strings here; they never pass through a JavaScript number.
 */
export class PostgresDeliveryLedger implements DeliveryLedger {
  private readonly sql: ReturnType<typeof statements>;
  private readonly listeners = new RecordedListeners();
  private closing: Promise<void> | undefined;
  private readonly audit: PostgresAuditChain | undefined;

  private constructor(
    private readonly pool: Pool,
    schema: string,
    audit: CheckpointPolicy | undefined,
  ) {
    this.sql = statements(`"${schema}"`);
    this.audit = audit && new PostgresAuditChain(schema, audit);
  }

  /**
   * Connects on first use. The tables come from migration 003 (`npm run
   * migrate`); the event store's open() checks the schema's version. With the
   * audit log's checkpoint policy, each batch's disclosures are appended to
   * the audit chain (migration 006) in the batch's transaction.
   */
  static open(connectionString: string, schema: string, audit?: CheckpointPolicy): PostgresDeliveryLedger {
    validateSchemaName(schema);
    const pool = new Pool({ connectionString, max: 4 });
    // An idle connection that breaks (server restart) is dropped by the pool; without a listener it would crash the process.
    pool.on('error', () => undefined);
    return new PostgresDeliveryLedger(pool, schema, audit);
  }

  async record(batch: DispatchedBatch): Promise<void> {
    const checkpoint = position(batch.checkpoint, 'checkpoint');
    const deliveredAt = instant(batch.deliveredAt, 'deliveredAt');
    const payloads = new Map<string, string>();
    const deliveries = batch.deliveries.map((delivery) => {
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
    await this.inTransaction(async (client) => {
      for (const chunk of chunks([...payloads])) {
        await client.query(this.sql.insertPayloads, [chunk.map(([cursor]) => cursor), chunk.map(([, payload]) => payload)]);
      }
      for (const chunk of chunks(deliveries)) {
        await client.query(this.sql.insertDeliveries, [
          chunk.map((row) => row.party),
          chunk.map((row) => row.position),
          chunk.map((row) => row.messageId),
          batch.channel,
          deliveredAt,
        ]);
      }
      await client.query(this.sql.saveCheckpoint, [checkpoint]);
      if (disclosures.length > 0) await this.audit!.appendWithin(client, disclosures, new Date(deliveredAt));
    });
    this.listeners.notify();
  }

  async checkpoint(): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ position: string }>(this.sql.checkpoint);
    return rows[0]?.position;
  }

  async readFeed(party: string, after: string | undefined, limit: number): Promise<FeedItem[]> {
    const afterPosition = after === undefined ? '-1' : position(after, 'after');
    const { rows } = await this.pool.query<{ cursor: string; payload: string }>(this.sql.readFeed, [party, afterPosition, pageSize(limit)]);
    return rows.map((row) => ({ cursor: row.cursor, delivery: JSON.parse(row.payload) }));
  }

  async lastCursor(party: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ cursor: string | null }>(this.sql.lastCursor, [party]);
    return rows[0].cursor ?? undefined;
  }

  async acknowledgeThrough(party: string, cursor: string, acknowledgedAt: string): Promise<number> {
    const at = instant(acknowledgedAt, 'acknowledgedAt');
    if (!isCursor(cursor)) throw new UnknownCursor(cursor);
    const { rows } = await this.pool.query<{ known: boolean; acknowledged: number }>(this.sql.acknowledgeThrough, [party, cursor, at]);
    if (!rows[0].known) throw new UnknownCursor(cursor);
    return rows[0].acknowledged;
  }

  async acknowledgeMessages(party: string, messageIds: readonly string[], acknowledgedAt: string): Promise<MessageAcknowledgement> {
    const at = instant(acknowledgedAt, 'acknowledgedAt');
    const given = [...new Set(messageIds.map((id) => id.toLowerCase()))];
    const { rows } = await this.pool.query<{ delivered: string[]; acknowledged: number }>(this.sql.acknowledgeMessages, [party, given, at]);
    const delivered = new Set(rows[0].delivered);
    return { acknowledged: rows[0].acknowledged, unknown: given.filter((messageId) => !delivered.has(messageId)) };
  }

  async recipientsOf(messageIds: readonly string[]): Promise<ReadonlyMap<string, readonly Recipient[]>> {
    const { rows } = await this.pool.query<RecipientRow>(this.sql.recipients, [[...new Set(messageIds.map((id) => id.toLowerCase()))]]);
    return recipientsByMessage(
      rows.map((row) => ({
        messageId: row.message_id,
        recipient: {
          party: row.party,
          channel: row.channel,
          deliveredAt: row.delivered_at.toISOString(),
          acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
        },
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

function statements(schema: string) {
  return {
    insertPayloads: `INSERT INTO ${schema}.feed_payloads (position, payload)
      SELECT * FROM unnest($1::bigint[], $2::text[])
      ON CONFLICT (position) DO NOTHING`,
    insertDeliveries: `INSERT INTO ${schema}.deliveries (party, position, message_id, channel, delivered_at)
      SELECT party, position, message_id, $4::text, $5::timestamptz FROM unnest($1::text[], $2::bigint[], $3::text[]) AS batch (party, position, message_id)
      ON CONFLICT (party, position) DO NOTHING`,
    saveCheckpoint: `INSERT INTO ${schema}.delivery_checkpoint (id, position, saved_at) VALUES (1, $1, now())
      ON CONFLICT (id) DO UPDATE SET position = excluded.position, saved_at = excluded.saved_at`,
    checkpoint: `SELECT position::text AS position FROM ${schema}.delivery_checkpoint WHERE id = 1`,
    readFeed: `SELECT d.position::text AS cursor, p.payload
      FROM ${schema}.deliveries d JOIN ${schema}.feed_payloads p ON p.position = d.position
      WHERE d.party = $1 AND d.position > $2::bigint
      ORDER BY d.position LIMIT $3`,
    lastCursor: `SELECT max(position)::text AS cursor FROM ${schema}.deliveries WHERE party = $1`,
    acknowledgeThrough: `WITH target AS (
        SELECT 1 FROM ${schema}.deliveries WHERE party = $1 AND position = $2::bigint
      ), acknowledged AS (
        UPDATE ${schema}.deliveries SET acknowledged_at = $3::timestamptz
        WHERE party = $1 AND position <= $2::bigint AND acknowledged_at IS NULL AND EXISTS (SELECT 1 FROM target)
        RETURNING 1
      )
      SELECT EXISTS (SELECT 1 FROM target) AS known, (SELECT count(*) FROM acknowledged)::integer AS acknowledged`,
    acknowledgeMessages: `WITH delivered AS (
        SELECT DISTINCT message_id FROM ${schema}.deliveries WHERE party = $1 AND message_id = ANY ($2::text[])
      ), acknowledged AS (
        UPDATE ${schema}.deliveries SET acknowledged_at = $3::timestamptz
        WHERE party = $1 AND message_id = ANY ($2::text[]) AND acknowledged_at IS NULL
        RETURNING 1
      )
      SELECT ARRAY (SELECT message_id FROM delivered) AS delivered, (SELECT count(*) FROM acknowledged)::integer AS acknowledged`,
    recipients: `SELECT message_id, party, channel, delivered_at, acknowledged_at FROM ${schema}.deliveries
      WHERE message_id = ANY ($1::text[])
      ORDER BY message_id, party COLLATE "C"`,
  };
}

function chunks<T>(rows: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) result.push(rows.slice(start, start + ROWS_PER_STATEMENT));
  return result;
}
