import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { CheckpointStore } from './checkpoint-store.port';

/**
 * Checkpoints in their own SQLite file, apart from the event store's, so that
 * saving one never waits for the store's writer. A checkpoint lost to a power
 * cut only makes deliveries repeat (they carry message-id), never skip.
 */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly loadStatement;
  private readonly saveStatement;

  private constructor(private readonly db: Database.Database) {
    this.loadStatement = db.prepare('SELECT position FROM checkpoints WHERE consumer = ?').pluck();
    this.saveStatement = db.prepare(
      `INSERT INTO checkpoints (consumer, position, saved_at) VALUES (?, ?, ?)
       ON CONFLICT (consumer) DO UPDATE SET position = excluded.position, saved_at = excluded.saved_at`,
    );
  }

  static open(file: string): SqliteCheckpointStore {
    mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE IF NOT EXISTS checkpoints (consumer TEXT PRIMARY KEY, position TEXT NOT NULL, saved_at TEXT NOT NULL)');
    return new SqliteCheckpointStore(db);
  }

  async load(consumer: string): Promise<string | undefined> {
    return (this.loadStatement.get(consumer) as string | undefined) ?? undefined;
  }

  async save(consumer: string, position: string): Promise<void> {
    this.saveStatement.run(consumer, position, new Date().toISOString());
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
