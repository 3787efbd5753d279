import { chainRecords, EMPTY_CHAIN, type StoredAuditEntry } from './audit-entry';
import type { AuditCheckpoint } from './audit-signing';
import { AUDIT_T0, auditRecord, newAuditSigner, trustedSigners } from './testing/audit-fixtures';
import { verifyAuditLog } from './verify-audit-log';

/** A chain held in memory, read as the adapters read theirs: after a seq, in order, at most `limit`. */
function memoryChain(entries: readonly StoredAuditEntry[], checkpoints: readonly AuditCheckpoint[]) {
  const reads = { chain: 0, checkpoints: 0 };
  return {
    reads,
    readChain: async (afterSeq: number, limit: number) => {
      reads.chain += 1;
      return entries.filter((entry) => entry.seq > afterSeq).slice(0, limit);
    },
    readCheckpoints: async (afterSeq: number, limit: number) => {
      reads.checkpoints += 1;
      return checkpoints.filter((checkpoint) => checkpoint.seq > afterSeq).slice(0, limit);
    },
  };
}

describe('verifyAuditLog', () => {
  const signer = newAuditSigner();
  const trusted = trustedSigners(signer);
  const at = AUDIT_T0.toISOString();
  const entries = chainRecords(
    EMPTY_CHAIN,
    Array.from({ length: 2_500 }, (_, i) => auditRecord({ requestId: `req-${i + 1}` })),
    at,
  );
  /** A checkpoint of every entry: more than one page (1,000) of checkpoints. */
  const checkpoints = entries.map((entry) => signer.sign({ seq: entry.seq, headHash: entry.hash, at }));

  it('verifies a chain with more checkpoints than one page holds, reading them page by page', async () => {
    const source = memoryChain(entries, checkpoints);

    expect(await verifyAuditLog(source, trusted, { pageSize: 700 })).toEqual({
      ok: true,
      entries: 2_500,
      from: 1,
      head: { seq: 2_500, hash: entries[2_499].hash },
      checkpoints: 2_500,
      unsignedTail: 0,
    });
    expect(source.reads.chain).toBe(5); // where the log starts, then 4 pages
    expect(source.reads.checkpoints).toBeGreaterThanOrEqual(3);
  });

  it('finds a forged checkpoint beyond the first page of checkpoints', async () => {
    const forged = [...checkpoints];
    forged[1_499] = newAuditSigner().sign({ seq: 1_500, headHash: entries[1_499].hash, at });

    expect(await verifyAuditLog(memoryChain(entries, forged), trusted)).toMatchObject({ ok: false, what: 'checkpoint', seq: 1_500, entries: 1_500 });
  });

  it('finds entries removed from the end below checkpoints beyond the first page', async () => {
    expect(await verifyAuditLog(memoryChain(entries.slice(0, 2_000), checkpoints), trusted)).toMatchObject({
      ok: false,
      what: 'checkpoint',
      seq: 2_001,
      entries: 2_000,
    });
  });

  it('finds a missing entry at a page boundary', async () => {
    const withGap = entries.filter((entry) => entry.seq !== 701);

    expect(await verifyAuditLog(memoryChain(withGap, []), trusted, { pageSize: 700 })).toMatchObject({ ok: false, what: 'entry', seq: 701, entries: 700 });
  });

  it('counts the entries after the last checkpoint as the unsigned tail, all of them when there is none', async () => {
    const someSigned = checkpoints.filter((checkpoint) => checkpoint.seq % 1_000 === 0);

    expect(await verifyAuditLog(memoryChain(entries, someSigned), trusted)).toMatchObject({ ok: true, checkpoints: 2, unsignedTail: 500 });
    expect(await verifyAuditLog(memoryChain(entries, []), trusted)).toMatchObject({ ok: true, checkpoints: 0, unsignedTail: 2_500 });
  });

  it('refuses a pageSize that is not a whole number ≥ 1 (which would never end a page), reading nothing', async () => {
    const source = memoryChain(entries, checkpoints);

    for (const pageSize of [0, -1, 1.5, Number.NaN]) await expect(verifyAuditLog(source, trusted, { pageSize })).rejects.toBeInstanceOf(RangeError);
    expect(source.reads).toEqual({ chain: 0, checkpoints: 0 });
  });
});
