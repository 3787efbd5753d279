import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PublicRoute } from '../auth/api-key.guard';
import { ExchangeMetrics } from './exchange-metrics';

/** GET /metrics: this process's metrics in the Prometheus text format, for the operators' scraper on the internal network (no API key, like /health). */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: ExchangeMetrics) {}

  @PublicRoute()
  @Get()
  async metricsText(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const text = await this.metrics.text();
    reply.header('content-type', this.metrics.contentType);
    return text;
  }
}
