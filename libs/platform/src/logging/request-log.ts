import type { FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import type { AuthenticatedRequest } from '../audit/request-actor';

/**
 * One line per answered request: its id (echoed in x-request-id), the calling party once authenticated, the route's
 * pattern (never the path or the query, which carry case ids and filters), the status and the time taken.
 * A 5xx is logged at error, a 4xx at info: a refused message is the client's business, not the operator's.
 */
export function logEachRequest(fastify: FastifyInstance, log: PinoLogger): void {
  fastify.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    const line = {
      requestId: request.id,
      party: (request as AuthenticatedRequest).party ?? null,
      method: request.method,
      route: request.routeOptions.url ?? null,
      status,
      durationMs: Math.round(reply.elapsedTime * 1000) / 1000,
    };
    if (status >= 500) log.error(line, 'request failed');
    else log.info(line, 'request');
  });
}
