import { caseStreamName } from '@cmx/case-domain';
import { BatchedSubscription, type EventStore, type StoredEvent } from '@cmx/event-store';
import type { SqlDatabase } from '@cmx/read-models';
import { protectedCaseOf } from './case-events-of';
import type { OpenedEvents } from './opened-events';
import type { Projection } from './projection';
import { lockCheckpoint, ProjectionCheckpoint, readCheckpoint, saveCheckpoint } from './projection-checkpoints';

/** Events folded and written in one transaction. */
const MAX_BATCH_EVENTS = 1_000;

class RebuiltMeanwhile extends Error {}

/**
 * Follows the store from one projection's checkpoint and writes each batch's
 * rows together with the checkpoint, in one transaction: after a crash the
 * projection resumes exactly where its rows are. When a rebuild has replaced
 * the projection's rows (its generation moved), the runner drops its memory
 * and starts again from the rebuilt checkpoint.
 */
export class ProjectionRunner {
  private subscription: BatchedSubscription | undefined;
  private projection: Projection;
  private checkpoint: ProjectionCheckpoint = { position: undefined, generation: 0 };
  private stopped = false;

  constructor(
    private readonly store: EventStore,
    private readonly db: SqlDatabase,
    private readonly opened: OpenedEvents,
    private readonly newProjection: () => Projection,
    private readonly onFailure: (error: unknown) => void,
  ) {
    this.projection = newProjection();
  }

  get name(): string {
    return this.projection.name;
  }

  async start(): Promise<void> {
    this.checkpoint = await readCheckpoint(this.db, this.projection.name);
    this.subscription = new BatchedSubscription(this.store, (batch) => this.write(batch), {
      after: this.checkpoint.position,
      maxBatch: MAX_BATCH_EVENTS,
      onError: (error) => this.fail(error),
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop().catch(() => undefined);
  }

  /** The position of the last event written, and how long the oldest event not yet written has waited. */
  async lag(): Promise<{ checkpoint: string | null; head: string | null; lagMs: number }> {
    // Read before the store: a batch written meanwhile cannot put the checkpoint past the event the lag is timed from.
    const checkpoint = this.checkpoint.position;
    const [next] = await this.store.readAll({ after: checkpoint, limit: 1 });
    return {
      checkpoint: checkpoint ?? null,
      head: (await this.store.headPosition()) ?? null,
      lagMs: next ? Math.max(0, Date.now() - Date.parse(next.recordedAt)) : 0,
    };
  }

  /**
   * The batch is opened as the read models see it (erased and restricted persons withheld) once the keys
   * hold its erasures and restrictions; each of those folds its case again from its stream up to it.
   */
  private async write(sealed: readonly StoredEvent[]): Promise<void> {
    const checkpoint = { position: sealed[sealed.length - 1].position, generation: this.checkpoint.generation };
    const histories = new Map<StoredEvent, StoredEvent[]>();
    for (const event of sealed) {
      const caseId = protectedCaseOf(event);
      if (caseId === undefined) continue;
      await this.opened.applyProtection(event);
      const history = await this.store.readStream(caseStreamName(caseId), { limit: event.streamVersion });
      histories.set(event, await this.opened.vault.openEvents(history, 'public'));
    }
    const batch = await this.opened.open(sealed);
    await this.db.transaction(async (tx) => {
      if ((await lockCheckpoint(tx, this.projection.name)).generation !== checkpoint.generation) throw new RebuiltMeanwhile();
      await this.projection.load(batch, tx);
      batch.forEach((event, index) => {
        const history = histories.get(sealed[index]);
        if (history) this.projection.refold(protectedCaseOf(event)!, history);
        else this.projection.fold(event);
      });
      await this.projection.flush(tx);
      await saveCheckpoint(tx, this.projection.name, checkpoint);
    });
    this.checkpoint = checkpoint;
    if (histories.size > 0) await this.db.reclaimOverwrittenRows();
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    if (!(error instanceof RebuiltMeanwhile)) return this.onFailure(error);
    void this.restart();
  }

  private async restart(): Promise<void> {
    await this.subscription?.stop().catch(() => undefined);
    this.projection = this.newProjection();
    await this.start();
  }
}
