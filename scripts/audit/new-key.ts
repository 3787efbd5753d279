/**
 * npm run audit:new-key -- FILE
 *
 * Writes a new Ed25519 audit signing key to FILE (PEM, readable by its owner
 * only; an existing file is never overwritten) and prints its key id and its
 * public key, to keep in AUDIT_TRUSTED_KEYS_FILE once it is rotated out.
 */
import { createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readOrCreateSigningKey, signingKeyId } from '@cmx/audit';

function main(args: readonly string[]): number {
  if (args.length !== 1) {
    console.error('audit:new-key: usage: npm run audit:new-key -- FILE');
    return 2;
  }
  const file = resolve(args[0]);
  if (existsSync(file)) {
    console.error(`audit:new-key: ${file} exists; a signing key is never overwritten`);
    return 1;
  }
  const { key } = readOrCreateSigningKey(file);
  const publicKey = createPublicKey(key);
  console.log(`wrote a new audit signing key to ${file} (key id ${signingKeyId(publicKey)}); its public key:`);
  process.stdout.write(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  return 0;
}

process.exit(main(process.argv.slice(2)));
