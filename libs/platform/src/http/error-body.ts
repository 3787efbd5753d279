import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ExchangeError } from '@cmx/errors';
import { loggedError } from '../logging/logged-error';
import { HTTP_STATUS_BY_ERROR_CODE } from './error-status';

export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly details: readonly unknown[];
}

const logger = new Logger('ExchangeErrors');

/**
 * Any thrown value as the status and JSON body the exchange answers with; an unexpected one is logged under an error
 * id, with the request's id when there is one.
 */
export function toErrorResponse(error: unknown, requestId?: string): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (error instanceof ExchangeError) {
    const status = HTTP_STATUS_BY_ERROR_CODE[error.code];
    if (status !== undefined) {
      const headers: Record<string, string> = status === 401 ? { 'www-authenticate': 'Bearer' } : {};
      return { status, headers, body: { error: error.code, message: error.message, details: error.details } };
    }
  }
  const errorId = randomUUID();
  logger.error({ msg: 'unexpected error', errorId, ...(requestId ? { requestId } : {}), error: loggedError(error) });
  return {
    status: 500,
    headers: {},
    body: { error: 'internal_error', message: `Internal error ${errorId}; it has been logged`, details: [{ errorId }] },
  };
}
