import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MAX_BATCH_BYTES, MAX_MESSAGE_BYTES } from '@cmx/contracts';
import { InvalidJson, PayloadTooLarge, RouteNotFound, UnsupportedMediaType } from '@cmx/errors';
import { toErrorResponse } from './error-body';

/**
 * The one filter every error goes through, Fastify's own included (Nest wraps
 * them, e.g. a body over the limit, as HttpExceptions with their status).
 */
@Catch()
export class ExchangeErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, headers, body } = toErrorResponse(fromFramework(exception, request), String(request.id));
    void reply.status(status).headers(headers).send(body);
  }
}

function fromFramework(exception: unknown, request: FastifyRequest): unknown {
  if (!(exception instanceof HttpException)) return exception;
  switch (exception.getStatus()) {
    case HttpStatus.NOT_FOUND:
      return new RouteNotFound(request.method, request.url);
    case HttpStatus.PAYLOAD_TOO_LARGE:
      return request.url.startsWith('/v1/messages:batch') ? new PayloadTooLarge(MAX_BATCH_BYTES, 'batch') : new PayloadTooLarge(MAX_MESSAGE_BYTES);
    case HttpStatus.UNSUPPORTED_MEDIA_TYPE:
      return new UnsupportedMediaType(request.headers['content-type']);
    case HttpStatus.BAD_REQUEST:
      return new InvalidJson(exception.message);
    default:
      return exception;
  }
}
