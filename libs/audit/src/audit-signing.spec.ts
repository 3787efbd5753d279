import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  auditSigner,
  checkpointBytes,
  checkpointSignatureHolds,
  readOrCreateSigningKey,
  readSigningKey,
  readTrustedKeys,
  signingKeyId,
  trustedKeysOf,
  type AuditCheckpoint,
} from './audit-signing';
import { newAuditSigner, trustedSigners } from './testing/audit-fixtures';

const HEAD = { seq: 42, headHash: 'ab'.repeat(32), at: '2026-03-14T09:30:00.000Z' };

describe('checkpoint signatures', () => {
  const signer = newAuditSigner();

  it('signs the statement under the key id: the first 16 hex digits of the SHA-256 of the public key', () => {
    const checkpoint = signer.sign(HEAD);

    expect(checkpoint).toEqual({ ...HEAD, keyId: signer.keyId, signature: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/) });
    expect(signer.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(signer.keyId).toBe(signingKeyId(signer.publicKey));
    expect(checkpointBytes(checkpoint).toString('utf8')).toBe(`cmx-audit-checkpoint/1\n42\n${'ab'.repeat(32)}\n2026-03-14T09:30:00.000Z\n${signer.keyId}`);
  });

  it("holds under the signer's public key", () => {
    expect(checkpointSignatureHolds(signer.sign(HEAD), trustedSigners(signer))).toBe(true);
    expect(checkpointSignatureHolds(signer.sign(HEAD), trustedSigners(newAuditSigner(), signer))).toBe(true);
  });

  it('is refused when the key is not trusted, or another key is trusted under its key id', () => {
    const other = newAuditSigner();
    const checkpoint = signer.sign(HEAD);

    expect(checkpointSignatureHolds(checkpoint, trustedSigners(other))).toBe(false);
    expect(checkpointSignatureHolds(checkpoint, new Map())).toBe(false);
    expect(checkpointSignatureHolds(checkpoint, new Map([[signer.keyId, other.publicKey]]))).toBe(false);
  });

  it('is refused when any part of the statement or the signature changed, a malformed signature included', () => {
    const checkpoint = signer.sign(HEAD);
    const trusted = trustedSigners(signer);
    const changed: AuditCheckpoint[] = [
      { ...checkpoint, seq: 43 },
      { ...checkpoint, headHash: 'ac'.repeat(32) },
      { ...checkpoint, at: '2026-03-14T09:30:00.001Z' },
      { ...checkpoint, signature: signer.sign({ ...HEAD, seq: 43 }).signature },
      { ...checkpoint, signature: (checkpoint.signature[0] === 'A' ? 'B' : 'A') + checkpoint.signature.slice(1) },
      { ...checkpoint, signature: '' },
      { ...checkpoint, signature: 'not base64 at all!' },
      { ...checkpoint, signature: checkpoint.signature.slice(0, 40) },
    ];

    for (const each of changed) expect({ each, holds: checkpointSignatureHolds(each, trusted) }).toEqual({ each, holds: false });
  });

  it('takes only an Ed25519 private key', () => {
    expect(() => auditSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)).toThrow(/Ed25519/);
    expect(() => auditSigner(generateKeyPairSync('x25519').privateKey)).toThrow(/Ed25519/);
  });
});

describe('key files', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'cmx-audit-keys-'));
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('readOrCreateSigningKey creates a PKCS#8 PEM readable by the owner only (directories included), then reads the same key back', () => {
    const file = join(directory, 'keys', 'audit', 'signing.pem');

    const created = readOrCreateSigningKey(file);

    expect(created.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);

    const again = readOrCreateSigningKey(file);

    expect(again.created).toBe(false);
    const [first, second] = [auditSigner(created.key), auditSigner(again.key)];
    expect(second.keyId).toBe(first.keyId);
    expect(checkpointSignatureHolds(second.sign(HEAD), trustedSigners(first))).toBe(true);
    expect(auditSigner(readSigningKey(file)).keyId).toBe(first.keyId);
  });

  it('readOrCreateSigningKey makes a new key per file', () => {
    const one = auditSigner(readOrCreateSigningKey(join(directory, 'one.pem')).key);
    const two = auditSigner(readOrCreateSigningKey(join(directory, 'two.pem')).key);

    expect(one.keyId).not.toBe(two.keyId);
  });

  it('readTrustedKeys reads every public key and the public half of every private key, between other text', () => {
    const [a, b, untrusted] = [generateKeyPairSync('ed25519'), generateKeyPairSync('ed25519'), generateKeyPairSync('ed25519')];
    const file = join(directory, 'trusted.pem');
    writeFileSync(
      file,
      [
        '# the audit keys of 2025 and 2026',
        a.publicKey.export({ type: 'spki', format: 'pem' }),
        'retired 2026-01-01:',
        b.privateKey.export({ type: 'pkcs8', format: 'pem' }),
        '',
      ].join('\n'),
    );

    const keys = readTrustedKeys(file);

    expect(keys.map((key) => key.type)).toEqual(['public', 'public']);
    expect(keys.map(signingKeyId)).toEqual([signingKeyId(a.publicKey), signingKeyId(b.publicKey)]);
    const trusted = trustedKeysOf(keys);
    expect(checkpointSignatureHolds(auditSigner(a.privateKey).sign(HEAD), trusted)).toBe(true);
    expect(checkpointSignatureHolds(auditSigner(b.privateKey).sign(HEAD), trusted)).toBe(true);
    expect(checkpointSignatureHolds(auditSigner(untrusted.privateKey).sign(HEAD), trusted)).toBe(false);
  });

  it('readTrustedKeys trusts the key that readOrCreateSigningKey wrote, and finds nothing in a file without PEM blocks', () => {
    const keyFile = join(directory, 'signing.pem');
    const signer = auditSigner(readOrCreateSigningKey(keyFile).key);
    const empty = join(directory, 'empty.pem');
    writeFileSync(empty, 'no keys here\n');

    expect(checkpointSignatureHolds(signer.sign(HEAD), trustedKeysOf(readTrustedKeys(keyFile)))).toBe(true);
    expect(readTrustedKeys(empty)).toEqual([]);
  });
});
