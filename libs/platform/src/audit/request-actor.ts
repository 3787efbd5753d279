import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { FieldViolation, InvalidAccountabilityHeader, MissingCredentials } from '@cmx/errors';

/** Who made a request, as the audit log records it. */
export interface RequestActor {
  readonly party: string;
  readonly keyId: string;
  /** The officer or user the calling system names (`On-Behalf-Of`). */
  readonly onBehalfOf: string | null;
  /** The justification the caller gives (`Purpose`). */
  readonly purpose: string | null;
  readonly requestId: string;
}

export type AuthenticatedRequest = FastifyRequest & { party?: string; actor?: RequestActor };

export const MAX_PURPOSE_LENGTH = 500;
export const MAX_ON_BEHALF_OF_LENGTH = 200;
const MAX_REQUEST_ID_LENGTH = 64;
const REQUEST_ID = /^[A-Za-z0-9._:-]+$/;
/** Printable text: no control characters (which a log reader could be fooled by). */
const PRINTABLE = /^[^\p{Cc}]*$/u;

/** The authenticated caller with its accountability headers. */
export const Actor = createParamDecorator((_: unknown, context: ExecutionContext): RequestActor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (actor === undefined) throw new MissingCredentials();
  return actor;
});

/** The client's X-Request-Id when it is a short plain token, so that its logs and ours can be matched; undefined otherwise. */
export function clientRequestId(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && header.length <= MAX_REQUEST_ID_LENGTH && REQUEST_ID.test(header) ? header : undefined;
}

/** Request headers or gRPC metadata, by lower-case name: a repeated one as a list. */
export type AccountabilityHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** `Purpose` and `On-Behalf-Of`, checked; throws InvalidAccountabilityHeader naming each header that is not acceptable. */
export function accountabilityHeaders(headers: AccountabilityHeaders): Pick<RequestActor, 'onBehalfOf' | 'purpose'> {
  const violations: FieldViolation[] = [];
  const read = (name: string, max: number): string | null => {
    const value = headers[name];
    if (value === undefined) return null;
    if (Array.isArray(value)) {
      violations.push({ path: name, rule: 'single_header', message: `${name} may be sent once` });
      return null;
    }
    const text = value.trim();
    if (text.length === 0 || text.length > max || !PRINTABLE.test(text)) {
      violations.push({ path: name, rule: 'header_text', message: `${name} must be 1 to ${max} printable characters` });
      return null;
    }
    return text;
  };
  const purpose = read('purpose', MAX_PURPOSE_LENGTH);
  const onBehalfOf = read('on-behalf-of', MAX_ON_BEHALF_OF_LENGTH);
  if (violations.length > 0) throw new InvalidAccountabilityHeader(violations);
  return { purpose, onBehalfOf };
}
