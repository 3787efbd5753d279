import type { SqlStatements } from '@cmx/read-models';
import type { ProjectionName } from './projection';

export interface ProjectionCheckpoint {
  /** The position of the last event folded; undefined before the first. */
  readonly position: string | undefined;
  /** Moves on each rebuild: a runner that sees it change drops what it holds in memory and resumes from the new checkpoint. */
  readonly generation: number;
}

export async function readCheckpoint(db: SqlStatements, projection: ProjectionName): Promise<ProjectionCheckpoint> {
  const [row] = await db.query<{ position: string; generation: number | string }>(
    'SELECT position, generation FROM projection_checkpoints WHERE projection = ?',
    [projection],
  );
  return row ? { position: row.position === '' ? undefined : row.position, generation: Number(row.generation) } : { position: undefined, generation: 0 };
}

/**
 * Reads the checkpoint inside a transaction and holds its row until the
 * transaction ends, so that a rebuild swapping the model in another process
 * and a projector writing a batch never interleave (PostgreSQL; SQLite
 * writes one transaction at a time anyway).
 */
export async function lockCheckpoint(tx: SqlStatements, projection: ProjectionName): Promise<ProjectionCheckpoint> {
  await tx.run(`INSERT INTO projection_checkpoints (projection, position, generation, updated_at) VALUES (?, '', 0, ?) ON CONFLICT (projection) DO NOTHING`, [
    projection,
    new Date().toISOString(),
  ]);
  await tx.run('UPDATE projection_checkpoints SET updated_at = updated_at WHERE projection = ?', [projection]);
  return readCheckpoint(tx, projection);
}

export async function saveCheckpoint(tx: SqlStatements, projection: ProjectionName, checkpoint: ProjectionCheckpoint): Promise<void> {
  await tx.run(
    `INSERT INTO projection_checkpoints (projection, position, generation, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (projection) DO UPDATE SET position = excluded.position, generation = excluded.generation, updated_at = excluded.updated_at`,
    [projection, checkpoint.position ?? '', checkpoint.generation, new Date().toISOString()],
  );
}
