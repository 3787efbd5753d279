import { chainRecords, indexKeysOf, type AuditRecord, type ChainHead, type StoredAuditEntry } from './audit-entry';
import type { CheckpointPolicy } from './audit-log.port';
import type { AuditCheckpoint } from './audit-signing';

export interface LastCheckpoint {
  readonly seq: number;
  readonly at: string;
}

/** What one append writes: the entries, their index rows, and the checkpoint when one is due. */
export interface ChainWrite {
  readonly entries: readonly StoredAuditEntry[];
  readonly index: readonly { readonly key: string; readonly seq: number }[];
  readonly checkpoint: AuditCheckpoint | undefined;
}

/** The pure step both adapters take inside their transaction, holding the head. */
export function chainWrite(head: ChainHead, last: LastCheckpoint | undefined, records: readonly AuditRecord[], at: Date, policy: CheckpointPolicy): ChainWrite {
  const atText = at.toISOString();
  const entries = chainRecords(head, records, atText);
  const index = entries.flatMap((entry, i) => indexKeysOf(records[i]).map((key) => ({ key, seq: entry.seq })));
  const newHead = entries.length > 0 ? entries[entries.length - 1] : head;
  return { entries, index, checkpoint: dueCheckpoint(newHead, last, at, policy) };
}

export function dueCheckpoint(head: ChainHead, last: LastCheckpoint | undefined, at: Date, policy: CheckpointPolicy): AuditCheckpoint | undefined {
  const since = head.seq - (last?.seq ?? 0);
  if (since <= 0) return undefined;
  const dueByCount = since >= policy.everyEntries;
  const dueByTime = last === undefined || at.getTime() - Date.parse(last.at) >= policy.everyMs;
  if (!dueByCount && !dueByTime) return undefined;
  return policy.signer.sign({ seq: head.seq, headHash: head.hash, at: at.toISOString() });
}
