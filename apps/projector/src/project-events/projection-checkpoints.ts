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

export async function saveCheckpoint(tx: SqlStatements, projection: ProjectionName, checkpoint: ProjectionCheckpoint): Promise<void> {
  await tx.run(
    `INSERT INTO projection_checkpoints (projection, position, generation, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (projection) DO UPDATE SET position = excluded.position, generation = excluded.generation, updated_at = excluded.updated_at`,
    [projection, checkpoint.position ?? '', checkpoint.generation, new Date().toISOString()],
  );
}
