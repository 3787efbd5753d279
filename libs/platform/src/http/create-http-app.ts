import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { MAX_BATCH_BYTES, MAX_MESSAGE_BYTES } from '@cmx/contracts';
import { InvalidJson } from '@cmx/errors';
import { clientRequestId } from '../audit/request-actor';
import { recordHttpDurations } from '../metrics/http-durations';
import { logEachRequest, NestJsonLogger, type JsonLog } from '../logging';
import { serveOpenApi } from '../openapi/serve-openapi';

/**
 * A Nest application on Fastify with the exchange's body limit and JSON parser (plain JSON.parse keeps a `__proto__`
 * key as an own key, for the CMF/1 validator to refuse as an unknown field), logging JSON lines, one per request.
 */
export async function createHttpApp(rootModule: Type<unknown> | DynamicModule, jsonLog: JsonLog): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_MESSAGE_BYTES,
    logger: false,
    return503OnClosing: true,
    genReqId: (request: IncomingMessage) => clientRequestId(request.headers['x-request-id']) ?? randomUUID(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    bodyParser: false,
    logger: new NestJsonLogger(jsonLog),
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  logEachRequest(fastify, jsonLog);
  recordHttpDurations(app);
  serveOpenApi(app);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: MAX_MESSAGE_BYTES }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      done(new InvalidJson((error as Error).message), undefined);
    }
  });
  // POST /v1/messages:batch: the body is handed over as text, and each line is parsed on its own.
  fastify.addContentTypeParser('application/x-ndjson', { parseAs: 'string', bodyLimit: MAX_BATCH_BYTES }, (_request, body, done) => done(null, body));
  app.enableShutdownHooks();
  return app;
}
