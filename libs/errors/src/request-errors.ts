import { maskValues } from './mask-values';
import { ExchangeError, FieldViolation } from './exchange-error';

export class MissingCredentials extends ExchangeError {
  readonly code = 'unauthenticated';
  constructor() {
    super('An Authorization: Bearer <api key> header is required');
  }
}

export class InvalidCredentials extends ExchangeError {
  readonly code = 'invalid_credentials';
  constructor() {
    super('The API key is not valid');
  }
}

export class InvalidJson extends ExchangeError {
  readonly code = 'invalid_json';
  constructor(reason: string) {
    super(`The request body is not valid JSON: ${maskValues(reason)}`);
  }
}

export class UnsupportedMediaType extends ExchangeError {
  readonly code = 'unsupported_media_type';
  constructor(contentType: string | undefined, expected = 'application/json') {
    super(`Content-Type must be ${expected}, got ${contentType ?? 'none'}`);
  }
}

/** A gRPC frame that is not a SubmitMessageRequest the exchange can take: it ends the call. */
export class InvalidFrame extends ExchangeError {
  readonly code = 'invalid_frame';
  constructor(reason: string) {
    super(`The request frame is not valid: ${reason}`);
  }
}

export class PayloadTooLarge extends ExchangeError {
  readonly code = 'payload_too_large';
  constructor(limitBytes: number, what: 'message' | 'batch' = 'message') {
    super(`A ${what} is at most ${limitBytes} bytes`);
  }
}

export class InvalidMessage extends ExchangeError {
  readonly code = 'invalid_message';
  constructor(violations: readonly FieldViolation[]) {
    super(`The message is not valid CMF/1: ${violations.length} violation(s)`, violations);
  }
}

export class InvalidQuery extends ExchangeError {
  readonly code = 'invalid_query';
  constructor(violations: readonly FieldViolation[]) {
    super('The request parameters are not valid', violations);
  }
}

export class RouteNotFound extends ExchangeError {
  readonly code = 'route_not_found';
  constructor(method: string, url: string) {
    super(`No route ${method} ${url}`);
  }
}

export class RateLimited extends ExchangeError {
  readonly code = 'rate_limited';
  constructor(retryAfterSeconds: number) {
    super(`Too many requests; retry after ${retryAfterSeconds} s`, [{ retryAfterSeconds }]);
  }
}

export class InvalidErasure extends ExchangeError {
  readonly code = 'invalid_erasure';
  constructor(violations: readonly FieldViolation[]) {
    super('The erasure request is not valid', violations);
  }
}
