import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let file: string | undefined;

/** An Ed25519 key for services started outside the embedded default, which refuse to start without AUDIT_SIGNING_KEY_FILE. */
export function testSigningKeyFile(): string {
  if (file) return file;
  file = join(mkdtempSync(join(tmpdir(), 'cmx-audit-key-')), 'audit-signing-key.pem');
  writeFileSync(file, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return file;
}
