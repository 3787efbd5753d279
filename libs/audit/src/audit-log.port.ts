import type { AuditEntry, AuditOperation, AuditRecord, ChainHead, StoredAuditEntry } from './audit-entry';
import type { AuditCheckpoint, AuditSigner } from './audit-signing';

export const AUDIT_LOG = Symbol('AUDIT_LOG');

/** When the appending process signs a checkpoint of the chain's head. */
export interface CheckpointPolicy {
  readonly signer: AuditSigner;
  /** After this many entries since the last checkpoint. */
  readonly everyEntries: number;
  /** Or once this long has passed since the last checkpoint, when entries came meanwhile. */
  readonly everyMs: number;
}

export interface AuditQuery {
  readonly caseId?: string;
  /** The acting party or a recipient. */
  readonly party?: string;
  readonly operation?: AuditOperation;
  /** Entries with a greater sequence number. */
  readonly afterSeq?: number;
  readonly limit: number;
}

/**
 * The audit log: one hash chain of entries, appended in batches, never
 * changed. Adapters: SQLite (embedded) and PostgreSQL; both pass
 * ./conformance/audit-log.conformance.ts. Several processes may append to one
 * log: each append takes the chain's head under a lock, so the chain never forks.
 */
export interface AuditLog {
  /** In one transaction: the records chained after the head, all at `at`, and a checkpoint when one is due. */
  append(records: readonly AuditRecord[], at: Date): Promise<readonly AuditEntry[]>;
  /** Signs a checkpoint of the head when entries came since the last one and it is due by time. */
  checkpointIfDue(at: Date): Promise<AuditCheckpoint | undefined>;
  /** Entries matching every given filter, by sequence number. */
  query(query: AuditQuery): Promise<AuditEntry[]>;
  /** The stored entries after `afterSeq` in sequence order, at most `limit`: what the verifier reads. */
  readChain(afterSeq: number, limit: number): Promise<StoredAuditEntry[]>;
  /** The checkpoints after `afterSeq` in sequence order, at most `limit`. */
  readCheckpoints(afterSeq: number, limit: number): Promise<AuditCheckpoint[]>;
  /** The last entry, or after a prune that removed every entry the checkpoint that anchors the next one. */
  head(): Promise<ChainHead>;
  /**
   * Removes the entries up to the newest checkpoint signed before `before`,
   * with their index rows and the checkpoints below it; that checkpoint stays
   * and anchors the entries after it. With dryRun, counts only.
   */
  prune(before: Date, options?: { readonly dryRun?: boolean }): Promise<PruneResult>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface PruneResult {
  /** Entries removed (or, with dryRun, that would be). */
  readonly entries: number;
  /** The checkpoint they were removed through; 0 when no checkpoint is old enough. */
  readonly throughSeq: number;
}

export const MAX_AUDIT_PAGE = 1_000;
