import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { DELIVERY_LEDGER, DeliveryLedger, PostgresDeliveryLedger, SqliteDeliveryLedger } from '@cmx/delivery';
import { EVENT_STORE, EventStore, EventStoreDbEventStore, PostgresEventStore, SqliteEventStore } from '@cmx/event-store';
import { PostgresSqlDatabase, READ_MODEL_DATABASE, SqlDatabase, SqliteSqlDatabase } from '@cmx/read-models';
import { PARTY_DIRECTORY, PartyDirectory } from '@cmx/parties';
import { ApiKeyGuard } from './auth/api-key.guard';
import { RateLimiter } from './auth/rate-limiter';
import { CLOCK, systemClock } from './clock';
import { EXCHANGE_CONFIG, ExchangeConfig } from './config/exchange-config';
import { EngineProbes } from './health/engine-probes';
import { HealthController } from './health/health.controller';
import { ExchangeErrorFilter } from './http/exchange-error.filter';
import { MembershipFollower } from './memberships/membership-follower';

export async function openEventStore(config: ExchangeConfig): Promise<EventStore> {
  switch (config.eventStore) {
    case 'sqlite':
      mkdirSync(config.dataDir, { recursive: true });
      return SqliteEventStore.open({ file: join(config.dataDir, 'events.sqlite') });
    case 'postgres':
      return PostgresEventStore.open({ connectionString: config.databaseUrl!, schema: config.databaseSchema });
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

/** PostgreSQL unless the whole exchange is embedded (SQLite under DATA_DIR): EventStoreDB keeps no tables. */
function openDeliveryLedger(config: ExchangeConfig): DeliveryLedger {
  if (config.databaseUrl) return PostgresDeliveryLedger.open(config.databaseUrl!, config.databaseSchema);
  mkdirSync(config.dataDir, { recursive: true });
  return SqliteDeliveryLedger.open(join(config.dataDir, 'deliveries.sqlite'));
}

/** Configuration, the party directory, the event store, the delivery ledger, authentication, errors and /health: what every exchange process needs. */
@Global()
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DELIVERY_LEDGER) private readonly ledger: DeliveryLedger,
    @Inject(READ_MODEL_DATABASE) private readonly readModels: SqlDatabase,
    @Inject(EXCHANGE_CONFIG) config: ExchangeConfig,
    probes: EngineProbes,
  ) {
    probes.register({ role: 'eventStore', engine: config.eventStore, ping: () => store.ping() });
    probes.register({ role: 'deliveryLedger', engine: config.databaseUrl ? 'postgres' : 'sqlite', ping: () => ledger.ping() });
    probes.register({ role: 'readModels', engine: readModels.engine, ping: () => readModels.ping() });
  }

  static forRoot(config: ExchangeConfig): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [HealthController],
      providers: [
        { provide: EXCHANGE_CONFIG, useValue: config },
        { provide: PARTY_DIRECTORY, useValue: PartyDirectory.fromFile(config.partiesFile) },
        { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
        { provide: DELIVERY_LEDGER, useFactory: () => openDeliveryLedger(config) },
        { provide: READ_MODEL_DATABASE, useFactory: () => openReadModelDatabase(config) },
        { provide: CLOCK, useValue: systemClock },
        EngineProbes,
        MembershipFollower,
        { provide: RateLimiter, useValue: new RateLimiter(config.rateLimitPerSecond) },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ExchangeErrorFilter },
      ],
      exports: [EXCHANGE_CONFIG, PARTY_DIRECTORY, EVENT_STORE, DELIVERY_LEDGER, READ_MODEL_DATABASE, CLOCK, EngineProbes, MembershipFollower],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ledger.close();
    await this.readModels.close();
    await this.store.close();
  }
}
