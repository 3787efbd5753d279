import type { StoredEvent } from '@cmx/event-store';
import type { SqlStatements } from '@cmx/read-models';

export const PROJECTION_NAMES = ['case-summaries', 'boards'] as const;
export type ProjectionName = (typeof PROJECTION_NAMES)[number];

export interface ProjectionOptions {
  /** Rebuilt from nothing: there are no rows to load. */
  readonly startsEmpty?: boolean;
  /** The cases kept in memory between batches (the least recently touched beyond it are dropped); all by default. */
  readonly casesInMemory?: number;
}

/**
 * A read model folded from the store's events. The runner loads what a batch
 * needs, folds the batch in memory, and flushes the rows it changed in the
 * transaction that also moves the projection's checkpoint.
 */
export interface Projection {
  readonly name: ProjectionName;
  /** Reads the rows the events will change that are not in memory yet. */
  load(events: readonly StoredEvent[], db: SqlStatements): Promise<void>;
  fold(event: StoredEvent): void;
  /**
   * Replaces every reader's state of the case with one folded from its history (after an erasure or a
   * restriction changed what its messages show), so that the next flush overwrites its rows.
   */
  refold(caseId: string, history: readonly StoredEvent[]): void;
  /** Writes every row changed since the last flush. */
  flush(tx: SqlStatements): Promise<void>;
  /** Deletes every row the projection owns (before a rebuilt model replaces them). */
  clear(tx: SqlStatements): Promise<void>;
  /**
   * After a rebuild folded the store in parts by case, each flushed on its own
   * into one transaction: recomputes from the rows what spans cases.
   */
  mergeParts?(tx: SqlStatements): Promise<void>;
}

/** Rows per multi-row statement: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
export const ROWS_PER_STATEMENT = 500;

/** `INSERT … VALUES (…), (…) ON CONFLICT (key) DO UPDATE SET every other column`, in chunks. */
export async function upsertRows(
  tx: SqlStatements,
  table: string,
  columns: readonly string[],
  key: readonly string[],
  rows: readonly (string | number | null)[][],
): Promise<void> {
  const updates = columns.filter((column) => !key.includes(column)).map((column) => `${column} = excluded.${column}`);
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    await tx.run(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => placeholders).join(', ')}
       ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${updates.join(', ')}`,
      chunk.flat(),
    );
  }
}

/** `INSERT … VALUES (…), (…)`, in chunks: for rows that cannot be there already. */
export async function insertRows(tx: SqlStatements, table: string, columns: readonly string[], rows: readonly (string | number | null)[][]): Promise<void> {
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    await tx.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => placeholders).join(', ')}`, chunk.flat());
  }
}

export interface ReaderCaseRow {
  readonly reader: string;
  readonly case_id: string;
  readonly body: string;
}

/** Every reader's rows of these cases in a table keyed by reader and case_id, read by chunks of case ids. */
export async function rowsOfCases<Row extends Record<string, string | null> = ReaderCaseRow & Record<string, string>>(
  db: SqlStatements,
  table: string,
  caseIds: Iterable<string>,
  columns = 'reader, case_id, body',
): Promise<Row[]> {
  const ids = [...caseIds];
  const rows: Row[] = [];
  for (let start = 0; start < ids.length; start += ROWS_PER_STATEMENT) {
    const chunk = ids.slice(start, start + ROWS_PER_STATEMENT);
    rows.push(...(await db.query<Row>(`SELECT ${columns} FROM ${table} WHERE case_id IN (${chunk.map(() => '?').join(', ')})`, chunk)));
  }
  return rows;
}
