import type { StoredEvent } from '@cmx/event-store';
import type { SqlStatements } from '@cmx/read-models';

export const PROJECTION_NAMES = ['case-summaries', 'boards'] as const;
export type ProjectionName = (typeof PROJECTION_NAMES)[number];

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
  /** Writes every row changed since the last flush. */
  flush(tx: SqlStatements): Promise<void>;
  /** Deletes every row the projection owns (before a rebuilt model replaces them). */
  clear(tx: SqlStatements): Promise<void>;
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

/** The case ids of a batch's case events that are not in `known` yet, in chunks for `IN (…)`. */
export function caseIdChunks(caseIds: Iterable<string>): string[][] {
  const ids = [...caseIds];
  const chunks: string[][] = [];
  for (let start = 0; start < ids.length; start += ROWS_PER_STATEMENT) chunks.push(ids.slice(start, start + ROWS_PER_STATEMENT));
  return chunks;
}

export const placeholdersFor = (values: readonly unknown[]): string => values.map(() => '?').join(', ');
