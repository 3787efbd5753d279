import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, EventStore } from '@cmx/event-store';
import { PublicRoute } from '../auth/api-key.guard';
import { EXCHANGE_CONFIG, ExchangeConfig } from '../config/exchange-config';

interface EngineHealth {
  readonly engine: string;
  readonly status: 'up' | 'down';
  readonly latencyMs?: number;
  readonly error?: string;
}

@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EXCHANGE_CONFIG) private readonly config: ExchangeConfig,
  ) {}

  @PublicRoute()
  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const eventStore = await this.probe(this.config.eventStore, () => this.store.ping());
    const ready = eventStore.status === 'up';
    reply.status(ready ? 200 : 503);
    return { status: ready ? 'ok' : 'unavailable', live: true, ready, engines: { eventStore } };
  }

  private async probe(engine: string, ping: () => Promise<void>): Promise<EngineHealth> {
    const started = process.hrtime.bigint();
    try {
      await ping();
      return { engine, status: 'up', latencyMs: Number(process.hrtime.bigint() - started) / 1e6 };
    } catch (error) {
      return { engine, status: 'down', error: (error as Error).message };
    }
  }
}
