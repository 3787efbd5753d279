import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LOG_LEVELS, type LogLevel } from '../logging/json-log';

export const EXCHANGE_CONFIG = Symbol('EXCHANGE_CONFIG');

export const EVENT_STORE_KINDS = ['sqlite', 'postgres', 'eventstoredb'] as const;
export type EventStoreKind = (typeof EVENT_STORE_KINDS)[number];

export const DELIVERY_KINDS = ['feed', 'kafka'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

export interface ExchangeConfig {
  readonly port: number;
  /** gRPC (proto/cmx/v1), on the same host; 0 takes a free port. */
  readonly grpcPort: number;
  /** The all-in-one (`npm start`): its projector and dispatcher in a child process (default), or in the same process. */
  readonly background: 'process' | 'inline';
  readonly host: string;
  readonly dataDir: string;
  readonly partiesFile: string;
  readonly eventStore: EventStoreKind;
  /** postgres:// URL; set unless the event store is SQLite: the delivery ledger and the read models are there. */
  readonly databaseUrl?: string;
  readonly databaseSchema: string;
  /** esdb:// connection string; set when the event store is EventStoreDB. */
  readonly esdbConnectionString?: string;
  readonly delivery: DeliveryKind;
  /** host:port list; set when delivery is Kafka. */
  readonly kafkaBrokers?: readonly string[];
  readonly kafkaTopicPartitions: number;
  /** Requests per second each party may make; 0 turns the limit off. */
  readonly rateLimitPerSecond: number;
  /** How long an idle feed stream waits before sending a heartbeat comment. */
  readonly feedHeartbeatMs: number;
  /** How often a process reads membership changes made through another process. */
  readonly membershipRefreshMs: number;
  /** How much memory the query process may keep rendered boards in; 0 renders every request. */
  readonly boardCacheMiB: number;
  /** Cases each projection keeps in memory between batches; the least recently touched beyond it are reloaded when needed. */
  readonly projectorCasesInMemory: number;
  readonly audit: AuditConfig;
  readonly personalData: PersonalDataConfig;
  /** The built coordinators' console (`npm run build` writes it), served under /console by the query process. */
  readonly consoleDir: string;
  /** The lowest level of the JSON log lines written (LOG_LEVEL, default info: one line per request). */
  readonly logLevel: LogLevel;
}

export interface PersonalDataConfig {
  /** PERSONAL_DATA_ENCRYPTION=off stores new messages unsealed (benchmarks only): every process then says so at start. */
  readonly encryption: boolean;
  /** A case's review date is this many days after its last message (GET /v1/retention/due). */
  readonly retentionReviewDays: number;
  /** `npm run retention:sweep` erases whole cases this many days after their last case report. */
  readonly retentionDeleteDays: number;
}

export interface AuditConfig {
  /** AUDIT_LOG=off turns accountability off (benchmarks only): every process then says so at start. */
  readonly enabled: boolean;
  /** AUDIT_SIGNING_KEY_FILE; without it only the embedded exchange on SQLite outside production makes one under DATA_DIR. */
  readonly signingKeyFile: string | undefined;
  /** AUDIT_TRUSTED_KEYS_FILE: public keys of earlier signing keys, for audit:verify after a rotation. */
  readonly trustedKeysFile: string | undefined;
  readonly checkpointEveryEntries: number;
  readonly checkpointEveryMs: number;
  /** Entries older than this many days are removed by `npm run audit:prune`. */
  readonly retentionDays: number;
  /** NODE_ENV=production: no signing key is ever made on the fly. */
  readonly production: boolean;
}

/** config/demo-parties.json of this repository, found upwards from here so that it works from the sources and from dist/. */
export const DEMO_PARTIES_FILE = findUpwards(__dirname, join('config', 'demo-parties.json'));

/** dist/console of this repository, found upwards from here (the sources or dist/), where `npm run build` puts the console. */
export const DEFAULT_CONSOLE_DIR = join(dirname(findUpwards(__dirname, 'package.json')), 'dist', 'console');

/** A setting that stops the process: its message is the one line printed. */
export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ExchangeConfig {
  const eventStore = choiceSetting(env, 'EVENT_STORE', EVENT_STORE_KINDS, 'sqlite');
  const delivery = choiceSetting(env, 'DELIVERY', DELIVERY_KINDS, 'feed');
  return {
    port: integerSetting(env, 'PORT', 3000, 0, 65535),
    logLevel: choiceSetting(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    grpcPort: integerSetting(env, 'GRPC_PORT', 50051, 0, 65535),
    background: choiceSetting(env, 'EXCHANGE_BACKGROUND', ['process', 'inline'] as const, 'process'),
    host: env.HOST?.trim() || '127.0.0.1',
    dataDir: resolve(env.DATA_DIR?.trim() || './data'),
    partiesFile: resolve(env.CASE_EXCHANGE_PARTIES?.trim() || DEMO_PARTIES_FILE),
    eventStore,
    databaseUrl:
      eventStore === 'sqlite'
        ? undefined
        : urlSetting(
            env,
            'DATABASE_URL',
            ['postgres:', 'postgresql:'],
            `EVENT_STORE=${eventStore} (the delivery ledger and the read models live in PostgreSQL)`,
          ),
    databaseSchema: identifierSetting(env, 'DATABASE_SCHEMA', 'cmx'),
    esdbConnectionString:
      eventStore === 'eventstoredb'
        ? urlSetting(env, 'ESDB_CONNECTION_STRING', ['esdb:', 'esdb+discover:', 'kurrentdb:', 'kurrentdb+discover:', 'kdb:'], 'EVENT_STORE=eventstoredb')
        : undefined,
    delivery,
    kafkaBrokers: delivery === 'kafka' ? brokerListSetting(env, 'KAFKA_BROKERS') : undefined,
    kafkaTopicPartitions: integerSetting(env, 'KAFKA_TOPIC_PARTITIONS', 3, 1, 1000),
    rateLimitPerSecond: integerSetting(env, 'RATE_LIMIT_PER_SECOND', 0, 0, 1_000_000),
    feedHeartbeatMs: integerSetting(env, 'FEED_HEARTBEAT_MS', 15_000, 100, 300_000),
    membershipRefreshMs: integerSetting(env, 'MEMBERSHIP_REFRESH_MS', 1_000, 50, 60_000),
    boardCacheMiB: integerSetting(env, 'BOARD_CACHE_MIB', 256, 0, 65_536),
    projectorCasesInMemory: integerSetting(env, 'PROJECTOR_CASES_IN_MEMORY', 5_000, 1, 100_000_000),
    audit: {
      enabled: choiceSetting(env, 'AUDIT_LOG', ['on', 'off'] as const, 'on') === 'on',
      signingKeyFile: env.AUDIT_SIGNING_KEY_FILE?.trim() ? resolve(env.AUDIT_SIGNING_KEY_FILE.trim()) : undefined,
      trustedKeysFile: env.AUDIT_TRUSTED_KEYS_FILE?.trim() ? resolve(env.AUDIT_TRUSTED_KEYS_FILE.trim()) : undefined,
      checkpointEveryEntries: integerSetting(env, 'AUDIT_CHECKPOINT_ENTRIES', 1_000, 1, 10_000_000),
      checkpointEveryMs: integerSetting(env, 'AUDIT_CHECKPOINT_SECONDS', 60, 1, 86_400) * 1_000,
      retentionDays: integerSetting(env, 'AUDIT_RETENTION_DAYS', 1_095, 1, 36_500),
      production: env.NODE_ENV?.trim() === 'production',
    },
    personalData: {
      encryption: choiceSetting(env, 'PERSONAL_DATA_ENCRYPTION', ['on', 'off'] as const, 'on') === 'on',
      retentionReviewDays: integerSetting(env, 'RETENTION_REVIEW_DAYS', 1_825, 1, 36_500),
      retentionDeleteDays: integerSetting(env, 'RETENTION_DELETE_DAYS', 3_650, 1, 36_500),
    },
    consoleDir: resolve(env.CONSOLE_DIR?.trim() || DEFAULT_CONSOLE_DIR),
  };
}

function integerSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(`${name}=${raw} is not valid: expected a whole number from ${min} to ${max}`);
  }
  return value;
}

function choiceSetting<T extends string>(env: NodeJS.ProcessEnv, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name}=${raw} is not valid: expected one of ${choices.join(', ')}`);
  }
  return raw as T;
}

function urlSetting(env: NodeJS.ProcessEnv, name: string, protocols: readonly string[], neededBy: string): string {
  const raw = env[name]?.trim();
  if (!raw) throw new ConfigError(`${name} is missing: ${neededBy} needs it`);
  let protocol: string;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(protocol)) throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  return raw;
}

function brokerListSetting(env: NodeJS.ProcessEnv, name: string): string[] {
  const raw = env[name]?.trim();
  if (!raw) throw new ConfigError(`${name} is missing: DELIVERY=kafka needs it (host:port,…)`);
  const brokers = raw.split(',').map((broker) => broker.trim());
  const bad = brokers.find((broker) => !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(broker));
  if (bad !== undefined) throw new ConfigError(`${name}=${raw} is not valid: ${bad || '(empty)'} is not host:port`);
  return brokers;
}

function identifierSetting(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) throw new ConfigError(`${name}=${raw} is not valid: expected a lower-case SQL identifier`);
  return raw;
}

function findUpwards(from: string, relative: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
    if (dirname(dir) === dir) return resolve(relative);
  }
}
