import { AuditUnavailable } from '@cmx/errors';
import type { AuditRecord } from './audit-entry';
import type { AuditLog } from './audit-log.port';

interface Pending {
  readonly records: readonly AuditRecord[];
  readonly resolve: () => void;
  readonly reject: (error: AuditUnavailable) => void;
}

/** Records per append at most. */
const MAX_BATCH_RECORDS = 5_000;

/**
 * Group commit for audit entries: records that arrive while an append is
 * under way form the next append, one transaction each, so that many
 * concurrent requests share one commit. A caller's promise settles when its
 * records are durable (or could not be written): it serves nothing before.
 */
export class AuditRecorder {
  private queue: Pending[] = [];
  private appending = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: AuditLog,
    private readonly now: () => Date,
  ) {}

  record(...records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      if (!this.appending) void this.appendQueued();
    });
  }

  /** Signs a checkpoint every `everyMs` when entries came meanwhile, whichever process wrote them. */
  startCheckpointTimer(everyMs: number, onError: (error: unknown) => void): void {
    this.timer = setInterval(() => this.log.checkpointIfDue(this.now()).catch(onError), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.appending || this.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  private async appendQueued(): Promise<void> {
    this.appending = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        try {
          await this.log.append(
            batch.flatMap((pending) => pending.records),
            this.now(),
          );
          for (const pending of batch) pending.resolve();
        } catch (error) {
          const refusal = new AuditUnavailable(error);
          for (const pending of batch) pending.reject(refusal);
        }
      }
    } finally {
      this.appending = false;
    }
  }

  private takeBatch(): Pending[] {
    let count = 0;
    let taken = 0;
    while (taken < this.queue.length && (taken === 0 || count + this.queue[taken].records.length <= MAX_BATCH_RECORDS)) {
      count += this.queue[taken].records.length;
      taken += 1;
    }
    return this.queue.splice(0, taken);
  }
}
