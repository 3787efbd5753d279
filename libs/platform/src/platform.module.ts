import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamicModule, Global, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AUDIT_LOG, AuditLog, AuditRecorder, CheckpointPolicy } from '@cmx/audit';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { DELIVERY_LEDGER, DeliveryLedger, PostgresDeliveryLedger, SqliteDeliveryLedger } from '@cmx/delivery';
import { CommitObserver, EVENT_STORE, EventStore, EventStoreDbEventStore, PostgresEventStore, SqliteEventStore } from '@cmx/event-store';
import { PostgresSqlDatabase, READ_MODEL_DATABASE, SqlDatabase, SqliteSqlDatabase } from '@cmx/read-models';
import { PARTY_DIRECTORY, PartyDirectory } from '@cmx/parties';
import { KEY_STORE, KeyStore, OpeningEventStore, PERSONAL_DATA_VAULT, PersonalDataVault, PostgresKeyStore, SqliteKeyStore } from '@cmx/personal-data';
import { AUDIT_RECORDER, AuditTrail } from './audit/audit-trail';
import { errorMessage } from './logging/logged-error';
import { checkpointPolicy, embeddedLedgerFile, openAuditLog, openSigningKey } from './audit/open-audit-log';
import { ApiKeyGuard } from './auth/api-key.guard';
import { Authenticator } from './auth/authenticator';
import { RateLimiter } from './auth/rate-limiter';
import { Clock, CLOCK, systemClock } from './clock';
import { EXCHANGE_CONFIG, ExchangeConfig } from './config/exchange-config';
import { EngineProbes } from './health/engine-probes';
import { HealthController } from './health/health.controller';
import { ExchangeErrorFilter } from './http/exchange-error.filter';
import { MembershipFollower } from './memberships/membership-follower';
import { ExchangeMetrics } from './metrics/exchange-metrics';
import { MetricsController } from './metrics/metrics.controller';

/** `onCommit`: told of each commit that wrote events (metrics; EventStoreDB tells nothing). */
export async function openEventStore(config: ExchangeConfig, onCommit?: CommitObserver): Promise<EventStore> {
  switch (config.eventStore) {
    case 'sqlite':
      mkdirSync(config.dataDir, { recursive: true });
      return SqliteEventStore.open({ file: join(config.dataDir, 'events.sqlite'), onCommit });
    case 'postgres':
      return PostgresEventStore.open({ connectionString: config.databaseUrl!, schema: config.databaseSchema, onCommit });
    case 'eventstoredb':
      return EventStoreDbEventStore.open({ connectionString: config.esdbConnectionString! });
  }
}

/** The read models: PostgreSQL unless the whole exchange is embedded (SQLite under DATA_DIR). */
export function openReadModelDatabase(config: ExchangeConfig): SqlDatabase {
  if (config.databaseUrl) return PostgresSqlDatabase.open(config.databaseUrl!, config.databaseSchema);
  mkdirSync(config.dataDir, { recursive: true });
  return SqliteSqlDatabase.open(join(config.dataDir, 'read-models.sqlite'));
}

/**
 * PostgreSQL unless the whole exchange is embedded (SQLite under DATA_DIR): EventStoreDB keeps no tables.
 * With the audit log on, the ledger appends each batch's disclosures to the audit chain in its own transaction.
 */
function openDeliveryLedger(config: ExchangeConfig, audit: CheckpointPolicy | undefined): DeliveryLedger {
  if (config.databaseUrl) return PostgresDeliveryLedger.open(config.databaseUrl!, config.databaseSchema, audit);
  mkdirSync(config.dataDir, { recursive: true });
  return SqliteDeliveryLedger.open(embeddedLedgerFile(config), audit);
}

/** The data keys: PostgreSQL unless the whole exchange is embedded (`DATA_DIR/keys.sqlite`), never beside the events in EventStoreDB. */
export function openKeyStore(config: ExchangeConfig): KeyStore {
  if (config.databaseUrl) return PostgresKeyStore.open(config.databaseUrl!, config.databaseSchema);
  mkdirSync(config.dataDir, { recursive: true });
  return SqliteKeyStore.open(join(config.dataDir, 'keys.sqlite'));
}

/** The event store as the read models see it: persons opened, erased and restricted ones withheld (the rebuild and its workers). */
export async function openPublicEventStore(config: ExchangeConfig): Promise<EventStore> {
  const keys = openKeyStore(config);
  return new OpeningEventStore(await openEventStore(config), new PersonalDataVault(keys), 'public', keys);
}

const AUDIT_CHECKPOINT_POLICY = Symbol('AUDIT_CHECKPOINT_POLICY');

export interface PlatformOptions {
  /** The all-in-one exchange: on SQLite outside production it may make its own audit signing key. */
  readonly embedded?: boolean;
}

/** Configuration, the party directory, the event store, the delivery ledger, authentication, errors, /health and /metrics: what every exchange process needs. */
@Global()
@Module({})
export class PlatformModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DELIVERY_LEDGER) private readonly ledger: DeliveryLedger,
    @Inject(READ_MODEL_DATABASE) private readonly readModels: SqlDatabase,
    @Inject(AUDIT_LOG) private readonly auditLog: AuditLog,
    @Inject(KEY_STORE) private readonly keyStore: KeyStore,
    @Inject(AUDIT_RECORDER) private readonly recorder: AuditRecorder | null,
    @Inject(EXCHANGE_CONFIG) private readonly config: ExchangeConfig,
    probes: EngineProbes,
  ) {
    const tables = config.databaseUrl ? 'postgres' : 'sqlite';
    probes.register({ role: 'eventStore', engine: config.eventStore, ping: () => store.ping() });
    probes.register({ role: 'deliveryLedger', engine: tables, ping: () => ledger.ping() });
    probes.register({ role: 'readModels', engine: readModels.engine, ping: () => readModels.ping() });
    probes.register({ role: 'auditLog', engine: tables, ping: () => auditLog.ping() });
    probes.register({ role: 'keyStore', engine: tables, ping: () => keyStore.ping() });
  }

  /** Throws ConfigError (before any engine is opened) when the audit signing key is missing or unreadable. */
  static forRoot(config: ExchangeConfig, options: PlatformOptions = {}): DynamicModule {
    const signingKey = openSigningKey(config, options.embedded ?? false);
    if (signingKey.createdAt) new Logger('Audit').warn(`made a new audit signing key at ${signingKey.createdAt}: keep it, and back it up apart from the data`);
    return {
      module: PlatformModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: EXCHANGE_CONFIG, useValue: config },
        { provide: PARTY_DIRECTORY, useValue: PartyDirectory.fromFile(config.partiesFile) },
        { provide: ExchangeMetrics, inject: [EngineProbes], useFactory: (probes: EngineProbes) => new ExchangeMetrics(() => probes.allReports()) },
        { provide: EVENT_STORE, inject: [ExchangeMetrics], useFactory: (metrics: ExchangeMetrics) => openEventStore(config, metrics.observeCommit) },
        { provide: AUDIT_CHECKPOINT_POLICY, useValue: checkpointPolicy(config, signingKey.signer) },
        {
          provide: AUDIT_LOG,
          inject: [AUDIT_CHECKPOINT_POLICY],
          useFactory: (policy: CheckpointPolicy) => {
            mkdirSync(config.dataDir, { recursive: true });
            return openAuditLog(config, policy);
          },
        },
        {
          provide: AUDIT_RECORDER,
          inject: [AUDIT_LOG, CLOCK],
          useFactory: (log: AuditLog, clock: Clock) => (config.audit.enabled ? new AuditRecorder(log, () => clock.now()) : null),
        },
        AuditTrail,
        {
          provide: DELIVERY_LEDGER,
          inject: [AUDIT_CHECKPOINT_POLICY],
          useFactory: (policy: CheckpointPolicy) => openDeliveryLedger(config, config.audit.enabled ? policy : undefined),
        },
        { provide: READ_MODEL_DATABASE, useFactory: () => openReadModelDatabase(config) },
        { provide: KEY_STORE, useFactory: () => openKeyStore(config) },
        { provide: PERSONAL_DATA_VAULT, inject: [KEY_STORE], useFactory: (keys: KeyStore) => new PersonalDataVault(keys, config.personalData.encryption) },
        { provide: CLOCK, useValue: systemClock },
        EngineProbes,
        MembershipFollower,
        { provide: RateLimiter, useValue: new RateLimiter(config.rateLimitPerSecond) },
        Authenticator,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ExchangeErrorFilter },
      ],
      exports: [
        EXCHANGE_CONFIG,
        PARTY_DIRECTORY,
        EVENT_STORE,
        DELIVERY_LEDGER,
        READ_MODEL_DATABASE,
        CLOCK,
        EngineProbes,
        MembershipFollower,
        Authenticator,
        ExchangeMetrics,
        AUDIT_LOG,
        AuditTrail,
        KEY_STORE,
        PERSONAL_DATA_VAULT,
      ],
    };
  }

  onApplicationBootstrap(): void {
    if (!this.config.personalData.encryption) {
      new Logger('PersonalData').warn(
        'PERSONAL_DATA_ENCRYPTION=off: new messages are stored with their persons unsealed and cannot be erased. For benchmarks only, never with real data.',
      );
    }
    if (!this.recorder) {
      this.logger.warn('AUDIT_LOG=off: nothing this process serves or receives is logged. For benchmarks only, never with real data.');
      return;
    }
    // A quarter of the period, so that a checkpoint comes due at most a quarter late.
    this.recorder.startCheckpointTimer(Math.max(250, Math.floor(this.config.audit.checkpointEveryMs / 4)), (error) =>
      this.logger.error(`audit checkpoint not signed: ${errorMessage(error)}`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.recorder?.stop();
    await this.auditLog.close();
    await this.ledger.close();
    await this.readModels.close();
    await this.keyStore.close();
    await this.store.close();
  }
}
