import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { EVENT_STORE, EventStore, EventStoreDbEventStore, PostgresEventStore, SqliteEventStore } from '@cmx/event-store';
import { PARTY_DIRECTORY, PartyDirectory } from '@cmx/parties';
import { ApiKeyGuard } from './auth/api-key.guard';
import { RateLimiter } from './auth/rate-limiter';
import { CLOCK, systemClock } from './clock';
import { EXCHANGE_CONFIG, ExchangeConfig } from './config/exchange-config';
import { EngineProbes } from './health/engine-probes';
import { HealthController } from './health/health.controller';
import { ExchangeErrorFilter } from './http/exchange-error.filter';

async function openEventStore(config: ExchangeConfig): Promise<EventStore> {
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

/** Configuration, the party directory, the event store, authentication, errors and /health: what every exchange process needs. */
@Global()
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EXCHANGE_CONFIG) config: ExchangeConfig,
    probes: EngineProbes,
  ) {
    probes.register({ role: 'eventStore', engine: config.eventStore, ping: () => store.ping() });
  }

  static forRoot(config: ExchangeConfig): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [HealthController],
      providers: [
        { provide: EXCHANGE_CONFIG, useValue: config },
        { provide: PARTY_DIRECTORY, useValue: PartyDirectory.fromFile(config.partiesFile) },
        { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
        { provide: CLOCK, useValue: systemClock },
        EngineProbes,
        { provide: RateLimiter, useValue: new RateLimiter(config.rateLimitPerSecond) },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ExchangeErrorFilter },
      ],
      exports: [EXCHANGE_CONFIG, PARTY_DIRECTORY, EVENT_STORE, CLOCK, EngineProbes],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
