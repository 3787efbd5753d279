import type Database from 'better-sqlite3';
import { EVENT_COLUMNS, EventRow } from './sqlite-database';

/** One append as the writer receives it: data and metadata already serialized. */
export interface AppendRequest {
  readonly streamName: string;
  readonly expectedVersion: number | 'any';
  readonly events: readonly { readonly id: string; readonly type: string; readonly data: string; readonly metadata: string }[];
}

export type AppendReply =
  | { readonly outcome: 'appended'; readonly firstVersion: number; readonly positions: readonly string[] }
  | { readonly outcome: 'duplicate'; readonly existing: EventRow }
  | { readonly outcome: 'version_conflict'; readonly actualVersion: number }
  | { readonly outcome: 'id_collision'; readonly eventId: string };

export type BatchReply =
  | { readonly ok: true; readonly recordedAt: string; readonly replies: readonly AppendReply[]; readonly commitMs: number }
  | { readonly ok: false; readonly error: { readonly message: string; readonly code?: string } };

/**
 * Commits a batch of appends in one transaction (one fsync), checking each
 * append on its own inside it, so one append's conflict never fails another
 * and later appends see earlier ones of the same batch. The COMMIT is timed
 * on its own: with synchronous=FULL it is the WAL write and its fsync.
 */
export class SqliteBatchWriter {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      insertEvent: db.prepare('INSERT INTO events (stream_name, stream_version, id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      findEvent: db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ?`),
      eventIdExists: db.prepare('SELECT 1 FROM events WHERE id = ?').pluck(),
      streamVersion: db.prepare('SELECT MAX(stream_version) FROM events WHERE stream_name = ?').pluck(),
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
    };
  }

  commit(batch: readonly AppendRequest[]): BatchReply {
    const recordedAt = new Date().toISOString();
    try {
      this.statements.begin.run();
      try {
        const replies = batch.map((request) => this.apply(request, recordedAt));
        const committing = performance.now();
        this.statements.commit.run();
        return { ok: true, recordedAt, replies, commitMs: performance.now() - committing };
      } catch (error) {
        if (this.db.inTransaction) this.statements.rollback.run();
        throw error;
      }
    } catch (error) {
      const { message, code } = error as { message?: string; code?: string };
      return { ok: false, error: { message: message ?? String(error), code } };
    }
  }

  close(): void {
    this.db.close();
  }

  private apply({ streamName, expectedVersion, events }: AppendRequest, recordedAt: string): AppendReply {
    const existing = this.statements.findEvent.get(events[0].id) as EventRow | undefined;
    if (existing) return { outcome: 'duplicate', existing };
    for (const event of events.slice(1)) {
      if (this.statements.eventIdExists.get(event.id) !== undefined) return { outcome: 'id_collision', eventId: event.id };
    }
    const version = this.statements.streamVersion.get(streamName) as bigint | null;
    const actualVersion = version === null ? 0 : Number(version);
    if (expectedVersion !== 'any' && expectedVersion !== actualVersion) return { outcome: 'version_conflict', actualVersion };
    const positions = events.map((event, index) =>
      this.statements.insertEvent
        .run(streamName, actualVersion + index + 1, event.id, event.type, event.data, event.metadata, recordedAt)
        .lastInsertRowid.toString(),
    );
    return { outcome: 'appended', firstVersion: actualVersion + 1, positions };
  }
}
