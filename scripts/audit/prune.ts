/**
 * npm run audit:prune [-- --dry-run]
 *
 * Removes the audit entries older than AUDIT_RETENTION_DAYS, through the
 * newest signed checkpoint made before that age: the checkpoint stays and
 * anchors the entries after it, so `audit:verify` still verifies what is left.
 */
import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { auditSigner } from '@cmx/audit';
import { checkpointPolicy, ConfigError, embeddedLedgerFile, loadConfig, openAuditLog } from '@cmx/platform';

const DAY_MS = 86_400_000;

async function main(args: readonly string[]): Promise<number> {
  const dryRun = args.includes('--dry-run');
  if (args.some((arg) => arg !== '--dry-run')) {
    console.error('audit:prune: usage: npm run audit:prune [-- --dry-run]');
    return 2;
  }
  const config = loadConfig();
  if (!config.databaseUrl && !existsSync(embeddedLedgerFile(config))) {
    console.error(`audit:prune: no audit log at ${embeddedLedgerFile(config)} (DATA_DIR=${config.dataDir})`);
    return 1;
  }
  const before = new Date(Date.now() - config.audit.retentionDays * DAY_MS);
  // Pruning signs nothing: the policy's key is never used.
  const log = openAuditLog(config, checkpointPolicy(config, auditSigner(generateKeyPairSync('ed25519').privateKey)), 'tool');
  try {
    const { entries, throughSeq } = await log.prune(before, { dryRun });
    const age = `older than ${config.audit.retentionDays} days (before ${before.toISOString()})`;
    if (throughSeq === 0) console.log(`audit:prune: no signed checkpoint is ${age}: nothing to remove`);
    else console.log(`audit:prune: ${dryRun ? 'would remove' : 'removed'} ${entries} entries through the checkpoint at ${throughSeq}, ${age}`);
    return 0;
  } finally {
    await log.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? `config error: ${error.message}` : error);
    process.exit(1);
  },
);
