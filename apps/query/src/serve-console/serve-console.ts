import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RouteNotFound } from '@cmx/errors';
import { EXCHANGE_CONFIG, ExchangeConfig, toErrorResponse } from '@cmx/platform';
import { ConsoleFile, ConsoleFiles } from './console-files';

/** Only the exchange's own origin: no inline script or style, no frame, no form or fetch elsewhere. */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = 'The console has not been built: run `npm run build`, which writes it to dist/console (or set CONSOLE_DIR).\n';
const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * The coordinators' console under /console: `/console` redirects to `/console/` (index.html), its files under
 * `/console/assets/`. These are Fastify routes of their own, beside Nest's: they need no API key (the console
 * asks for one and sends it with every API call), and every API route keeps its guard.
 */
@Injectable()
export class ServeConsole implements OnModuleInit {
  private readonly files: ConsoleFiles;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(EXCHANGE_CONFIG) config: Pick<ExchangeConfig, 'consoleDir'>,
  ) {
    this.files = new ConsoleFiles(config.consoleDir);
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.get('/console', (_request, reply) => (this.files.current() ? reply.redirect('/console/', 301) : notBuilt(reply)));
    fastify.get('/console/', (request, reply) => {
      const build = this.files.current();
      return build ? send(request, reply, build.index, 'no-cache') : notBuilt(reply);
    });
    fastify.get('/console/assets/*', (request, reply) => {
      const build = this.files.current();
      if (!build) return notBuilt(reply);
      const asset = build.assets.get((request.params as { '*': string })['*']);
      if (!asset) {
        const { status, body } = toErrorResponse(new RouteNotFound(request.method, request.url));
        return reply.status(status).headers(SECURITY_HEADERS).send(body);
      }
      return send(request, reply, asset, 'public, max-age=31536000, immutable');
    });
  }
}

function send(request: FastifyRequest, reply: FastifyReply, file: ConsoleFile, cacheControl: string): FastifyReply {
  void reply.headers({ ...SECURITY_HEADERS, 'cache-control': cacheControl, etag: file.etag, vary: 'Accept-Encoding', 'content-type': file.contentType });
  if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
  if (file.gzipped && acceptsGzip(request.headers['accept-encoding'])) return reply.header('content-encoding', 'gzip').send(file.gzipped);
  return reply.send(file.body);
}

function notBuilt(reply: FastifyReply): FastifyReply {
  return reply.status(503).headers(SECURITY_HEADERS).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(NOT_BUILT);
}

/** Whether Accept-Encoding names gzip (or *) without refusing it with q=0. */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const codings = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  return codings.some((coding) => {
    const [name, ...parameters] = coding.trim().toLowerCase().split(';');
    if (name.trim() !== 'gzip' && name.trim() !== '*') return false;
    const quality = parameters.map((parameter) => /^\s*q\s*=\s*([\d.]+)\s*$/.exec(parameter)?.[1]).find((value) => value !== undefined);
    return quality === undefined || Number(quality) > 0;
  });
}
