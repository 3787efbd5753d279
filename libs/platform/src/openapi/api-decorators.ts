import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiResponse } from '@nestjs/swagger';
import { MAX_ON_BEHALF_OF_LENGTH, MAX_PURPOSE_LENGTH } from '../audit/request-actor';
import { HTTP_STATUS_BY_ERROR_CODE } from '../http/error-status';
import { ERROR_BODY_SCHEMA } from './openapi-schemas';

/** The name of the security scheme `Authorization: Bearer <api key>` in the document. */
export const API_KEY_SECURITY_SCHEME = 'apiKey';

/** The refusals any call with an API key may get, whatever its route (libs/platform/src/auth/authenticator.ts). */
const CALLER_REFUSALS = ['invalid_header', 'unauthenticated', 'invalid_credentials', 'rate_limited'] as const;

/**
 * A controller (or route) called with an API key: the bearer scheme and the optional accountability headers, which
 * go into the audit entry of the call and nowhere else.
 */
export function ApiCaller(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiBearerAuth(API_KEY_SECURITY_SCHEME),
    ApiHeader({
      name: 'Purpose',
      required: false,
      description: `The justification of the call (free text or a case reference, 1 to ${MAX_PURPOSE_LENGTH} printable characters): recorded in the audit entry, never shown to other parties.`,
      schema: { type: 'string', minLength: 1, maxLength: MAX_PURPOSE_LENGTH },
    }),
    ApiHeader({
      name: 'On-Behalf-Of',
      required: false,
      description: `The officer or user the calling system acts for, as that system knows them (1 to ${MAX_ON_BEHALF_OF_LENGTH} printable characters): recorded in the audit entry, never shown to other parties.`,
      schema: { type: 'string', minLength: 1, maxLength: MAX_ON_BEHALF_OF_LENGTH },
    }),
  ) as ClassDecorator & MethodDecorator;
}

export interface RefusalOptions {
  /** The route needs an API key (default): it may also answer the caller refusals (400 invalid_header, 401, 429). */
  readonly caller?: boolean;
}

/**
 * The error answers of a route, one per HTTP status, each naming the codes (libs/errors) it may carry; the status of
 * each code is the one the exchange's error filter answers with (HTTP_STATUS_BY_ERROR_CODE). Every route may also
 * answer 500 internal_error.
 */
export function ApiRefusals(codes: readonly string[], options: RefusalOptions = {}): MethodDecorator {
  const all = [...new Set([...codes, ...(options.caller === false ? [] : CALLER_REFUSALS)])];
  const byStatus = new Map<number, string[]>([[500, ['internal_error']]]);
  for (const code of all) {
    const status = HTTP_STATUS_BY_ERROR_CODE[code];
    if (status === undefined) throw new Error(`ApiRefusals: ${code} is not an error code of the exchange (libs/platform/src/http/error-status.ts)`);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses = [...byStatus].map(([status, statusCodes]) =>
    ApiResponse({
      status,
      description: `${statusCodes.map((code) => `\`${code}\``).join(', ')}`,
      ...(status === 401 ? { headers: { 'WWW-Authenticate': { description: '`Bearer`', schema: { type: 'string', enum: ['Bearer'] } } } } : {}),
      content: { 'application/json': { schema: refusalSchema(statusCodes) } },
    }),
  );
  return applyDecorators(...responses);
}

function refusalSchema(codes: readonly string[]) {
  return { allOf: [ERROR_BODY_SCHEMA, { type: 'object', properties: { error: { type: 'string', enum: [...codes] } } }] };
}
