import { parentPort, workerData } from 'node:worker_threads';
import type { StreamPartition } from '@cmx/event-store';
import { ExchangeConfig, openPublicEventStore } from '@cmx/platform';
import { newProjection } from '../project-events/new-projection';
import type { ProjectionName } from '../project-events/projection';
import { RecordedStatement, RecordedStatements } from './recorded-statements';

export interface FoldPartitionData {
  readonly config: ExchangeConfig;
  readonly name: ProjectionName;
  readonly partition: StreamPartition;
  /** Events after this position are left to the running projector. */
  readonly head: string;
  readonly readBatch: number;
}

export type FoldPartitionMessage =
  | { readonly kind: 'progress'; readonly events: number; readonly position: string | undefined }
  | { readonly kind: 'folded'; readonly events: number; readonly statements: readonly RecordedStatement[] };

/** Folds one partition of the store, up to `head`, into a projection rebuilt from nothing, and sends back its flush. */
async function foldPartition({ config, name, partition, head, readBatch }: FoldPartitionData): Promise<void> {
  const store = await openPublicEventStore(config);
  try {
    const projection = newProjection(name, { startsEmpty: true });
    const last = BigInt(head);
    let events = 0;
    for (let after: string | undefined; ;) {
      const batch = await store.readAll({ after, limit: readBatch, partition });
      const upToHead = batch.filter((event) => BigInt(event.position) <= last);
      upToHead.forEach((event) => projection.fold(event));
      events += upToHead.length;
      if (upToHead.length > 0) after = upToHead[upToHead.length - 1].position;
      if (upToHead.length < readBatch) break;
      parentPort!.postMessage({ kind: 'progress', events, position: after } satisfies FoldPartitionMessage);
    }
    // This part holds nothing more up to the head, wherever its own last event was.
    parentPort!.postMessage({ kind: 'progress', events, position: head } satisfies FoldPartitionMessage);
    const recorded = new RecordedStatements();
    await projection.flush(recorded);
    parentPort!.postMessage({ kind: 'folded', events, statements: recorded.statements } satisfies FoldPartitionMessage);
  } finally {
    await store.close();
  }
}

void foldPartition(workerData as FoldPartitionData);
