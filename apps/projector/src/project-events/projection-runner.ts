import type { EventStore, StoredEvent, Subscription } from '@cmx/event-store';
import type { SqlDatabase } from '@cmx/read-models';
import type { Projection } from './projection';
import { lockCheckpoint, ProjectionCheckpoint, readCheckpoint, saveCheckpoint } from './projection-checkpoints';

/** Events folded and written in one transaction; the buffer never holds more than twice this. */
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
  private subscription: Subscription | undefined;
  private projection: Projection;
  private checkpoint: ProjectionCheckpoint = { position: undefined, generation: 0 };
  private buffer: StoredEvent[] = [];
  private writes: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private stopped = false;

  constructor(
    private readonly store: EventStore,
    private readonly db: SqlDatabase,
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
    this.subscription = this.store.subscribe((event) => this.accept(event), { after: this.checkpoint.position, batchSize: MAX_BATCH_EVENTS });
    this.subscription.closed.catch((error: unknown) => this.fail(error));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
    await this.flush().catch(() => undefined);
  }

  /** The position of the last event written, and how long the oldest event not yet written has waited. */
  async lag(): Promise<{ checkpoint: string | null; head: string | null; lagMs: number }> {
    const [next] = await this.store.readAll({ after: this.checkpoint.position, limit: 1 });
    return {
      checkpoint: this.checkpoint.position ?? null,
      head: (await this.store.headPosition()) ?? null,
      lagMs: next ? Math.max(0, Date.now() - Date.parse(next.recordedAt)) : 0,
    };
  }

  private accept(event: StoredEvent): Promise<void> | undefined {
    this.buffer.push(event);
    if (this.buffer.length >= MAX_BATCH_EVENTS) return this.flush();
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush().catch((error: unknown) => this.fail(error));
      });
    }
    return undefined;
  }

  private flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length > 0) this.writes = this.writes.then(() => this.write(batch));
    return this.writes;
  }

  private async write(batch: readonly StoredEvent[]): Promise<void> {
    const checkpoint = { position: batch[batch.length - 1].position, generation: this.checkpoint.generation };
    await this.db.transaction(async (tx) => {
      if ((await lockCheckpoint(tx, this.projection.name)).generation !== checkpoint.generation) throw new RebuiltMeanwhile();
      await this.projection.load(batch, tx);
      batch.forEach((event) => this.projection.fold(event));
      await this.projection.flush(tx);
      await saveCheckpoint(tx, this.projection.name, checkpoint);
    });
    this.checkpoint = checkpoint;
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    if (!(error instanceof RebuiltMeanwhile)) return this.onFailure(error);
    void this.restart();
  }

  private async restart(): Promise<void> {
    await this.subscription?.stop().catch(() => undefined);
    this.buffer = [];
    this.writes = Promise.resolve();
    this.projection = this.newProjection();
    await this.start();
  }
}
