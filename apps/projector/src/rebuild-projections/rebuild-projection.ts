import type { EventStore } from '@cmx/event-store';
import type { SqlDatabase } from '@cmx/read-models';
import { newProjection } from '../project-events/new-projection';
import type { ProjectionName } from '../project-events/projection';
import { lockCheckpoint, saveCheckpoint } from '../project-events/projection-checkpoints';

const READ_BATCH = 5_000;

export interface RebuildProgress {
  readonly events: number;
  readonly position: string;
  /** How far through the store, estimated from positions (exact on SQLite, whose positions are dense). */
  readonly fraction: number;
}

/**
 * Folds the whole store into a new model in memory, beside the one queries
 * read, then swaps them in one transaction (the old rows deleted, the new
 * written, the checkpoint and its generation moved): queries see the old
 * model until the commit and the new one after, never a mix. Events stored
 * during the rebuild are folded by the running projector from the new checkpoint.
 */
export async function rebuildProjection(
  store: EventStore,
  db: SqlDatabase,
  name: ProjectionName,
  onProgress: (progress: RebuildProgress) => void = () => undefined,
): Promise<{ events: number }> {
  const projection = newProjection(name, true);
  const head = BigInt((await store.headPosition()) ?? '0');
  let first: bigint | undefined;
  let after: string | undefined;
  let events = 0;
  for (;;) {
    const batch = await store.readAll({ after, limit: READ_BATCH });
    if (batch.length === 0) break;
    batch.forEach((event) => projection.fold(event));
    events += batch.length;
    after = batch[batch.length - 1].position;
    first ??= BigInt(batch[0].position);
    const done = BigInt(after) - first;
    const span = head - first;
    onProgress({ events, position: after, fraction: span > 0n ? Math.min(1, Number(done) / Number(span)) : 1 });
  }
  await db.transaction(async (tx) => {
    const current = await lockCheckpoint(tx, name);
    await projection.clear(tx);
    await projection.flush(tx);
    await saveCheckpoint(tx, name, { position: after ?? current.position, generation: current.generation + 1 });
  });
  return { events };
}
