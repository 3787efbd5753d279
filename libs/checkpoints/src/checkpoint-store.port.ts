export const CHECKPOINT_STORE = Symbol('CHECKPOINT_STORE');

/** Where a consumer of the event store remembers the last position it has fully handled. */
export interface CheckpointStore {
  load(consumer: string): Promise<string | undefined>;
  save(consumer: string, position: string): Promise<void>;
  close(): Promise<void>;
}
