/**
 * npm run audit:verify [-- --from SEQ]
 *
 * Recomputes the audit log's hash chain over every stored entry (from SEQ on)
 * and checks each signed checkpoint against it and against the trusted keys:
 * the public half of AUDIT_SIGNING_KEY_FILE (the embedded default's key under
 * DATA_DIR when unset) and every key in AUDIT_TRUSTED_KEYS_FILE (earlier keys,
 * kept after a rotation). Exit 0 with `verified N entries up to <hash>`, or
 * exit 1 naming the first entry or checkpoint that does not verify.
 */
import 'reflect-metadata';
import { createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { auditSigner, readSigningKey, readTrustedKeys, trustedKeysOf, verifyAuditLog } from '@cmx/audit';
import { checkpointPolicy, ConfigError, embeddedLedgerFile, embeddedSigningKeyFile, loadConfig, openAuditLog } from '@cmx/platform';

async function main(args: readonly string[]): Promise<number> {
  const fromAt = args.indexOf('--from');
  const from = fromAt < 0 ? 1 : Number(args[fromAt + 1]);
  // Without --from, verification starts at the first stored entry (after a prune, the one its checkpoint anchors).
  const unknown = args.filter((arg, index) => index !== fromAt && index !== fromAt + 1);
  if (unknown.length > 0 || !Number.isSafeInteger(from) || from < 1) {
    console.error('audit:verify: usage: npm run audit:verify [-- --from SEQ] (SEQ a whole number ≥ 1)');
    return 2;
  }
  const config = loadConfig();
  if (!config.databaseUrl && !existsSync(embeddedLedgerFile(config))) {
    console.error(`audit:verify: no audit log at ${embeddedLedgerFile(config)} (DATA_DIR=${config.dataDir})`);
    return 1;
  }
  const trusted = trustedKeysOf(trustedPublicKeys(config));
  // The log is only read: the policy's key signs nothing.
  const log = openAuditLog(config, checkpointPolicy(config, auditSigner(generateKeyPairSync('ed25519').privateKey)), 'tool');
  try {
    const started = performance.now();
    let lastDrawn = started;
    const result = await verifyAuditLog(log, trusted, {
      from: fromAt < 0 ? undefined : from,
      onProgress: (verified) => {
        if (performance.now() - lastDrawn < 1_000) return;
        lastDrawn = performance.now();
        console.error(`audit:verify: ${verified} entries verified…`);
      },
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (!result.ok) {
      console.log(`audit log does not verify: ${result.what} ${result.seq} ${result.reason} (${result.entries} entries verified before it, ${seconds} s)`);
      return 1;
    }
    const range = result.from > 1 ? ` from ${result.from}` : '';
    if (result.from > 1 && from === 1 && fromAt < 0) {
      console.log(
        `entries 1 to ${result.from - 1} are not in the log (removed by audit:prune, or otherwise); what follows is anchored by the signed checkpoint at ${result.from - 1}`,
      );
    }
    const tail = result.unsignedTail > 0 ? `; the last ${result.unsignedTail} not yet under a signed checkpoint` : '';
    console.log(`verified ${result.entries} entries${range} up to ${result.head.hash} (${result.checkpoints} signed checkpoints${tail}; ${seconds} s)`);
    return 0;
  } finally {
    await log.close();
  }
}

function trustedPublicKeys(config: ReturnType<typeof loadConfig>): KeyObject[] {
  const keys: KeyObject[] = [];
  const signingKeyFile = config.audit.signingKeyFile ?? embeddedSigningKeyFile(config);
  if (existsSync(signingKeyFile)) keys.push(createPublicKey(readSigningKey(signingKeyFile)));
  else if (config.audit.signingKeyFile) throw new ConfigError(`AUDIT_SIGNING_KEY_FILE=${signingKeyFile} does not exist`);
  if (config.audit.trustedKeysFile) {
    if (!existsSync(config.audit.trustedKeysFile)) throw new ConfigError(`AUDIT_TRUSTED_KEYS_FILE=${config.audit.trustedKeysFile} does not exist`);
    keys.push(...readTrustedKeys(config.audit.trustedKeysFile));
  }
  if (keys.length === 0) throw new ConfigError('no trusted key: set AUDIT_SIGNING_KEY_FILE and/or AUDIT_TRUSTED_KEYS_FILE');
  return keys;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? `config error: ${error.message}` : error);
    process.exit(1);
  },
);
