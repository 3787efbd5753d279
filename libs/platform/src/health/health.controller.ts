import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PublicRoute } from '../auth/api-key.guard';
import { ApiRefusals } from '../openapi/api-decorators';
import { HEALTH_SCHEMA } from '../openapi/openapi-schemas';
import { EngineProbe, EngineProbes } from './engine-probes';

interface EngineHealth {
  readonly engine: string;
  readonly status: 'up' | 'down';
  readonly latencyMs?: number;
  readonly error?: string;
}

const PROBE_TIMEOUT_MS = 2_000;

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly probes: EngineProbes) {}

  /** Live when it answers at all; ready when every engine the process uses answers. */
  @PublicRoute()
  @Get()
  @ApiOperation({
    summary: 'Liveness and readiness',
    description: 'No API key. Live when it answers at all; ready (200) when every engine the process uses answers, otherwise 503 with the same body.',
  })
  @ApiResponse({ status: 200, description: 'Ready', schema: HEALTH_SCHEMA })
  @ApiResponse({ status: 503, description: 'Live, not ready: an engine does not answer', schema: HEALTH_SCHEMA })
  @ApiRefusals([], { caller: false })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const results = await Promise.all(this.probes.all().map(async (probe) => [probe.role, await this.probe(probe)] as const));
    const ready = results.every(([, result]) => result.status === 'up');
    reply.status(ready ? 200 : 503);
    const sections: Record<string, Record<string, unknown>> = {};
    for (const report of this.probes.allReports()) {
      (sections[report.section] ??= {})[report.name] = await report.read().catch((error: unknown) => ({ error: (error as Error).message }));
    }
    return { status: ready ? 'ok' : 'unavailable', live: true, ready, engines: Object.fromEntries(results), ...sections };
  }

  private async probe(probe: EngineProbe): Promise<EngineHealth> {
    const started = process.hrtime.bigint();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        probe.ping(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS))),
      ]);
      return { engine: probe.engine, status: 'up', latencyMs: Number(process.hrtime.bigint() - started) / 1e6 };
    } catch (error) {
      return { engine: probe.engine, status: 'down', error: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }
}
