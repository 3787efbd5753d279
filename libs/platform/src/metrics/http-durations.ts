import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ExchangeMetrics } from './exchange-metrics';

/** Times every HTTP answer of the app into its ExchangeMetrics, by route pattern; an app without the PlatformModule has none and is left as it is. */
export function recordHttpDurations(app: NestFastifyApplication): void {
  let metrics: ExchangeMetrics;
  try {
    metrics = app.get(ExchangeMetrics, { strict: false });
  } catch {
    return;
  }
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', async (request, reply) => {
      metrics.observeHttpRequest(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    });
}
