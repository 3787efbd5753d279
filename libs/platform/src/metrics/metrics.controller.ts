import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PublicRoute } from '../auth/api-key.guard';
import { ApiRefusals } from '../openapi/api-decorators';
import { ExchangeMetrics } from './exchange-metrics';

/** GET /metrics: this process's metrics in the Prometheus text format, for the operators' scraper on the internal network (no API key, like /health). */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: ExchangeMetrics) {}

  @PublicRoute()
  @Get()
  @ApiOperation({ summary: 'This process’s metrics', description: 'No API key: for the operators’ scraper on the internal network (docs/metrics.md).' })
  @ApiResponse({
    status: 200,
    description: 'The Prometheus text format 0.0.4',
    content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } },
  })
  @ApiRefusals([], { caller: false })
  async metricsText(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const text = await this.metrics.text();
    reply.header('content-type', this.metrics.contentType);
    return text;
  }
}
