import { chainWrite, dueCheckpoint } from './audit-chain';
import { EMPTY_CHAIN } from './audit-entry';
import { checkpointSignatureHolds } from './audit-signing';
import { AUDIT_T0, auditRecord, auditTime, checkpointPolicy, newAuditSigner, trustedSigners } from './testing/audit-fixtures';

describe('dueCheckpoint', () => {
  const signer = newAuditSigner();
  const policy = checkpointPolicy(signer, { everyEntries: 10, everyMs: 60_000 });
  const head = { seq: 25, hash: 'ef'.repeat(32) };
  const last = { seq: 20, at: AUDIT_T0.toISOString() };

  it('signs the head when there is no checkpoint yet', () => {
    const checkpoint = dueCheckpoint(head, undefined, AUDIT_T0, policy);

    expect(checkpoint).toEqual({ seq: 25, headHash: head.hash, at: AUDIT_T0.toISOString(), keyId: signer.keyId, signature: expect.any(String) });
    expect(checkpointSignatureHolds(checkpoint!, trustedSigners(signer))).toBe(true);
  });

  it('signs when everyEntries came since the last checkpoint, or everyMs passed since it', () => {
    expect(dueCheckpoint(head, last, auditTime(59_999), policy)).toBeUndefined();
    expect(dueCheckpoint(head, last, auditTime(60_000), policy)?.seq).toBe(25);
    expect(dueCheckpoint({ ...head, seq: 29 }, last, auditTime(1), policy)).toBeUndefined();
    expect(dueCheckpoint({ ...head, seq: 30 }, last, auditTime(1), policy)?.seq).toBe(30);
  });

  it('signs nothing when no entry came since the last checkpoint, or the chain is empty', () => {
    expect(dueCheckpoint({ ...head, seq: 20 }, last, auditTime(3_600_000), policy)).toBeUndefined();
    expect(dueCheckpoint(EMPTY_CHAIN, undefined, auditTime(3_600_000), policy)).toBeUndefined();
  });
});

describe('chainWrite', () => {
  it('indexes each entry under its cases and parties, and signs the new head when due', () => {
    const records = [
      auditRecord({ party: 'NCB-NL', recipients: ['NCB-BE'], cases: [{ caseId: 'NL-1', messageIds: [] }] }),
      auditRecord({ party: 'NCB-BE', cases: [] }),
    ];

    const write = chainWrite(EMPTY_CHAIN, undefined, records, AUDIT_T0, checkpointPolicy(newAuditSigner()));

    expect(write.entries.map((entry) => entry.seq)).toEqual([1, 2]);
    expect(write.index).toEqual([
      { key: 'party:NCB-NL', seq: 1 },
      { key: 'party:NCB-BE', seq: 1 },
      { key: 'case:NL-1', seq: 1 },
      { key: 'party:NCB-BE', seq: 2 },
    ]);
    expect(write.checkpoint).toMatchObject({ seq: 2, headHash: write.entries[1].hash });
  });
});
