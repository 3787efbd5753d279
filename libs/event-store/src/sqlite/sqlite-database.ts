import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export interface EventRow {
  position: bigint;
  stream_name: string;
  stream_version: bigint;
  id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position       INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_name    TEXT    NOT NULL,
    stream_version INTEGER NOT NULL,
    id             TEXT    NOT NULL UNIQUE,
    type           TEXT    NOT NULL,
    data           TEXT    NOT NULL,
    metadata       TEXT    NOT NULL,
    recorded_at    TEXT    NOT NULL,
    UNIQUE (stream_name, stream_version)
  );
`;

export const EVENT_COLUMNS = 'position, stream_name, stream_version, id, type, data, metadata, recorded_at';

/**
 * Opens the event store file in WAL mode with `synchronous = FULL`: every
 * commit is fsynced before it returns. The writer creates the schema (the
 * embedded store may create its file on first start).
 */
export function openEventDatabase(file: string, busyTimeoutMs: number, role: 'writer' | 'reader'): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const journalMode = db.pragma('journal_mode = WAL', { simple: true });
    if (journalMode !== 'wal') throw new Error(`SQLite event store ${file}: WAL journal mode unavailable (got ${String(journalMode)})`);
    db.pragma('synchronous = FULL');
    if (role === 'writer') db.exec(SCHEMA);
    db.defaultSafeIntegers(true);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
