import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EventStore } from '@cmx/event-store';
import { OpeningEventStore, type PersonalDataVault } from '@cmx/personal-data';
import type { ExchangeConfig } from '@cmx/platform';
import type { SqlDatabase, SqlStatements } from '@cmx/read-models';
import { newProjection } from '../project-events/new-projection';
import type { Projection, ProjectionName } from '../project-events/projection';
import { lockCheckpoint, saveCheckpoint } from '../project-events/projection-checkpoints';
import type { FoldPartitionData, FoldPartitionMessage } from './fold-partition.worker';

const READ_BATCH = 5_000;

export interface RebuildProgress {
  readonly events: number;
  readonly position: string;
  /** How far through the store, estimated from positions (exact on SQLite, whose positions are dense). */
  readonly fraction: number;
}

export interface RebuildOptions {
  readonly onProgress?: (progress: RebuildProgress) => void;
  /**
   * Fold the store in this many parts at once, each in a worker thread of its
   * own reading only its cases' streams (settings from `config`); 1 folds in
   * this thread.
   */
  readonly parts?: number;
  readonly config?: ExchangeConfig;
}

/**
 * Folds the whole store into a new model in memory, beside the one queries
 * read, then swaps them in one transaction (the old rows deleted, the new
 * written, the checkpoint and its generation moved): queries see the old
 * model until the commit and the new one after, never a mix. Events stored
 * during the rebuild are folded by the running projector from the new checkpoint.
 * Events are read as the read models see them (`vault`: erased and restricted
 * persons withheld), so a rebuild never brings erased data back.
 */
export async function rebuildProjection(
  sealedStore: EventStore,
  db: SqlDatabase,
  name: ProjectionName,
  vault: PersonalDataVault,
  { onProgress = () => undefined, parts = 1, config }: RebuildOptions = {},
): Promise<{ events: number }> {
  const store = new OpeningEventStore(sealedStore, vault, 'public');
  const head = await store.headPosition();
  if (parts > 1 && head !== undefined) {
    if (!config) throw new TypeError('rebuildProjection: folding in parts needs the settings to open the store in each worker');
    const [first] = await store.readAll({ limit: 1 });
    return rebuildInParts(config, db, name, parts, { first: BigInt(first.position), head }, onProgress);
  }
  const projection = newProjection(name, { startsEmpty: true });
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
    onProgress({ events, position: after, fraction: fractionOf(first, BigInt(after), BigInt(head ?? after)) });
  }
  await swapIn(db, projection, after, (tx) => projection.flush(tx));
  return { events };
}

/**
 * The store folded in `parts` disjoint parts by stream (so by case), each by a
 * worker thread; their rows are written in one transaction, then the projection
 * puts together what spans cases (a board's totals).
 */
async function rebuildInParts(
  config: ExchangeConfig,
  db: SqlDatabase,
  name: ProjectionName,
  parts: number,
  { first, head }: { readonly first: bigint; readonly head: string },
  onProgress: (progress: RebuildProgress) => void,
): Promise<{ events: number }> {
  const progress = Array.from({ length: parts }, () => ({ events: 0, position: first }));
  const report = () => {
    const position = progress.reduce((lowest, part) => (part.position < lowest ? part.position : lowest), BigInt(head));
    const events = progress.reduce((total, part) => total + part.events, 0);
    onProgress({ events, position: position.toString(), fraction: fractionOf(first, position, BigInt(head)) });
  };
  const workers: Worker[] = [];
  try {
    const folded = await Promise.all(
      progress.map((partProgress, index) => {
        const worker = startFoldWorker({ config, name, partition: { index, count: parts }, head, readBatch: READ_BATCH });
        workers.push(worker);
        return new Promise<Extract<FoldPartitionMessage, { kind: 'folded' }>>((resolve, reject) => {
          worker.on('message', (message: FoldPartitionMessage) => {
            if (message.kind === 'folded') resolve(message);
            else {
              partProgress.events = message.events;
              if (message.position !== undefined) partProgress.position = BigInt(message.position);
              report();
            }
          });
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`the worker folding part ${index + 1} of ${parts} exited with ${code}`)));
        });
      }),
    );
    const projection = newProjection(name, { startsEmpty: true });
    await swapIn(db, projection, head, async (tx) => {
      for (const { statements } of folded) for (const { sql, params } of statements) await tx.run(sql, params);
      await projection.mergeParts?.(tx);
    });
    return { events: folded.reduce((total, part) => total + part.events, 0) };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

async function swapIn(db: SqlDatabase, projection: Projection, position: string | undefined, write: (tx: SqlStatements) => Promise<void>): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await lockCheckpoint(tx, projection.name);
    await projection.clear(tx);
    await write(tx);
    await saveCheckpoint(tx, projection.name, { position: position ?? current.position, generation: current.generation + 1 });
  });
}

function fractionOf(first: bigint, position: bigint, head: bigint): number {
  const span = head - first;
  return span > 0n ? Math.min(1, Number(position - first) / Number(span)) : 1;
}

/** The worker, from the compiled .js beside this file, or from the .ts source under ts-node (tests, scripts, benchmarks). */
function startFoldWorker(workerData: FoldPartitionData): Worker {
  const fromSource = extname(__filename) === '.ts';
  return new Worker(join(__dirname, `fold-partition.worker${fromSource ? '.ts' : '.js'}`), {
    workerData,
    execArgv: fromSource ? ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'] : [],
  });
}
