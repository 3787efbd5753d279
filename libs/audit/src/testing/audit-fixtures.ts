import { generateKeyPairSync } from 'node:crypto';
import type { AuditRecord } from '../audit-entry';
import type { CheckpointPolicy } from '../audit-log.port';
import { auditSigner, trustedKeysOf, type AuditSigner, type TrustedKeys } from '../audit-signing';

/** Audit records, signers and times for tests. Every builder returns a fresh value. */

export const AUDIT_T0 = new Date('2026-03-14T09:30:00.000Z');

/** `ms` milliseconds after `from` (AUDIT_T0 by default). */
export const auditTime = (ms: number, from: Date = AUDIT_T0): Date => new Date(from.getTime() + ms);

export const AUDIT_CASE_A = 'NL-2026-000001';
export const AUDIT_CASE_B = 'BE-2026-000002';
export const AUDIT_CASE_C = 'DE-2026-000003';

/** A message id numbered `n`, upper-case (the canonical text holds it lower-cased). */
export function auditMessageId(n: number): string {
  return `0000000A-0000-4000-8000-${n.toString(16).padStart(12, '0')}`.toUpperCase();
}

export function auditRecord(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    operation: 'consult',
    party: 'NCB-NL',
    keyId: 'nl-key-1',
    onBehalfOf: 'officer 4711',
    purpose: 'investigation OP-HYDRA-2026',
    channel: 'http',
    cases: [{ caseId: AUDIT_CASE_A, messageIds: [] }],
    recipients: [],
    requestId: 'req-0001',
    ...overrides,
  };
}

/** A signer with a fresh Ed25519 key. */
export function newAuditSigner(): AuditSigner {
  return auditSigner(generateKeyPairSync('ed25519').privateKey);
}

export const trustedSigners = (...signers: AuditSigner[]): TrustedKeys => trustedKeysOf(signers.map((signer) => signer.publicKey));

/** Checkpoints rarely unless told otherwise: every 1,000 entries or hour (and on the first append). */
export function checkpointPolicy(signer: AuditSigner, overrides: Partial<Omit<CheckpointPolicy, 'signer'>> = {}): CheckpointPolicy {
  return { signer, everyEntries: 1_000, everyMs: 3_600_000, ...overrides };
}
