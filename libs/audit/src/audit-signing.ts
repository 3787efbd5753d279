import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A signed statement that the chain stood at `seq` with head hash `headHash` at `at`. */
export interface AuditCheckpoint {
  readonly seq: number;
  readonly headHash: string;
  readonly at: string;
  readonly keyId: string;
  /** Ed25519 over checkpointBytes(), base64. */
  readonly signature: string;
}

export const checkpointBytes = (checkpoint: Omit<AuditCheckpoint, 'signature'>): Buffer =>
  Buffer.from(`cmx-audit-checkpoint/1\n${checkpoint.seq}\n${checkpoint.headHash}\n${checkpoint.at}\n${checkpoint.keyId}`, 'utf8');

/** The first 16 hex digits of the SHA-256 of the public key's DER: names a key without revealing anything. */
export const signingKeyId = (publicKey: KeyObject): string =>
  createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);

export interface AuditSigner {
  readonly keyId: string;
  readonly publicKey: KeyObject;
  sign(checkpoint: Omit<AuditCheckpoint, 'signature' | 'keyId'>): AuditCheckpoint;
}

export function auditSigner(privateKey: KeyObject): AuditSigner {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the audit signing key must be an Ed25519 private key');
  const publicKey = createPublicKey(privateKey);
  const keyId = signingKeyId(publicKey);
  return {
    keyId,
    publicKey,
    sign: (unsigned) => {
      const statement = { ...unsigned, keyId };
      return { ...statement, signature: sign(null, checkpointBytes(statement), privateKey).toString('base64') };
    },
  };
}

/** Public keys by key id: the ones whose checkpoints the verifier accepts. */
export type TrustedKeys = ReadonlyMap<string, KeyObject>;

export function checkpointSignatureHolds(checkpoint: AuditCheckpoint, trusted: TrustedKeys): boolean {
  const key = trusted.get(checkpoint.keyId);
  if (!key) return false;
  try {
    const { signature, ...statement } = checkpoint;
    return verify(null, checkpointBytes(statement), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** Reads a PEM (PKCS#8) Ed25519 private key. */
export function readSigningKey(file: string): KeyObject {
  return createPrivateKey(readFileSync(file, 'utf8'));
}

/** Reads the key, or creates a new one (readable by the owner only) where there is none. */
export function readOrCreateSigningKey(file: string): { key: KeyObject; created: boolean } {
  if (existsSync(file)) return { key: readSigningKey(file), created: false };
  const { privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  return { key: privateKey, created: true };
}

/** Every public key (PEM blocks, or private keys whose public half is taken) in a file. */
export function readTrustedKeys(file: string): KeyObject[] {
  const text = readFileSync(file, 'utf8');
  const blocks = text.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
  return blocks.map((block) => (block.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(block)) : createPublicKey(block)));
}

export const trustedKeysOf = (keys: readonly KeyObject[]): TrustedKeys => new Map(keys.map((key) => [signingKeyId(key), key]));
