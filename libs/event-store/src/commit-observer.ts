/** What an adapter tells of each commit that wrote events, for an operator's figures (metrics); it changes nothing. */
export interface CommitObservation {
  /** Appends committed together: SQLite's group commit; always 1 on PostgreSQL (one statement an append). */
  readonly appends: number;
  /** Events those appends wrote. */
  readonly events: number;
  /**
   * How long the commit took to be durable: on SQLite the COMMIT (WAL write and fsync, synchronous=FULL);
   * on PostgreSQL the append's statement, which returns once the server has flushed its WAL.
   */
  readonly commitMs: number;
}

/** Called after each commit that wrote events; must not throw (a throw is caught and ignored). */
export type CommitObserver = (commit: CommitObservation) => void;

export function notifyCommit(observer: CommitObserver | undefined, commit: CommitObservation): void {
  if (!observer) return;
  try {
    observer(commit);
  } catch {
    // A metrics failure never fails an append.
  }
}
