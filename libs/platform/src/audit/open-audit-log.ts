import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  auditSigner,
  AuditSigner,
  CheckpointPolicy,
  PostgresAuditLog,
  readOrCreateSigningKey,
  readSigningKey,
  SqliteAuditLog,
  type AuditLog,
} from '@cmx/audit';
import { ConfigError, ExchangeConfig } from '../config/exchange-config';

/** Where the embedded exchange keeps its audit log: in the delivery ledger's file, so that a delivery and its disclosure commit together. */
export const embeddedLedgerFile = (config: ExchangeConfig): string => join(config.dataDir, 'deliveries.sqlite');
export const embeddedSigningKeyFile = (config: ExchangeConfig): string => join(config.dataDir, 'audit-signing-key.pem');

export interface AuditSigningKey {
  readonly signer: AuditSigner;
  /** Set when this start made the key (the embedded default's first start). */
  readonly createdAt?: string;
}

/**
 * The key that signs the chain's checkpoints: AUDIT_SIGNING_KEY_FILE, or for
 * the embedded exchange on SQLite outside production one made under DATA_DIR
 * on first start. Anything else without the setting stops with one line.
 */
export function openSigningKey(config: ExchangeConfig, embedded: boolean): AuditSigningKey {
  const { signingKeyFile, production, enabled } = config.audit;
  if (!enabled) return { signer: auditSigner(generateKeyPairSync('ed25519').privateKey) };
  if (signingKeyFile) {
    if (!existsSync(signingKeyFile)) throw new ConfigError(`AUDIT_SIGNING_KEY_FILE=${signingKeyFile} does not exist`);
    try {
      return { signer: auditSigner(readSigningKey(signingKeyFile)) };
    } catch (error) {
      throw new ConfigError(`AUDIT_SIGNING_KEY_FILE=${signingKeyFile} is not an Ed25519 private key in PEM: ${(error as Error).message}`);
    }
  }
  if (!embedded || config.eventStore !== 'sqlite' || production) {
    throw new ConfigError(
      'AUDIT_SIGNING_KEY_FILE is missing: only the embedded exchange on SQLite outside production makes its own audit signing key; make one with npm run audit:new-key (docs/data-protection.md)',
    );
  }
  const file = embeddedSigningKeyFile(config);
  const { key, created } = readOrCreateSigningKey(file);
  return { signer: auditSigner(key), createdAt: created ? file : undefined };
}

export const checkpointPolicy = (config: ExchangeConfig, signer: AuditSigner): CheckpointPolicy => ({
  signer,
  everyEntries: config.audit.checkpointEveryEntries,
  everyMs: config.audit.checkpointEveryMs,
});

/** PostgreSQL unless the whole exchange is embedded (SQLite, in the delivery ledger's file); `tool`: a command that only reads or prunes it. */
export function openAuditLog(config: ExchangeConfig, policy: CheckpointPolicy, use: 'service' | 'tool' = 'service'): AuditLog {
  if (config.databaseUrl) return PostgresAuditLog.open(config.databaseUrl, config.databaseSchema, policy);
  return SqliteAuditLog.open(embeddedLedgerFile(config), policy, { indexBehind: use === 'service' });
}
