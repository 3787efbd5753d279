import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InvalidCredentials, MissingCredentials, RateLimited } from '@cmx/errors';
import { PARTY_DIRECTORY, PartyDirectory } from '@cmx/parties';
import { accountabilityHeaders, AuthenticatedRequest } from '../audit/request-actor';
import { RateLimiter } from './rate-limiter';

const PUBLIC_ROUTE = 'cmx:public-route';

/** Marks a route that needs no API key (liveness probes). */
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);

/** The party code of the authenticated caller. */
export const CallerParty = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const party = context.switchToHttp().getRequest<AuthenticatedRequest>().party;
  if (party === undefined) throw new MissingCredentials();
  return party;
});

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(PARTY_DIRECTORY) private readonly directory: PartyDirectory,
    private readonly rateLimiter: RateLimiter,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new MissingCredentials();
    const holder = this.directory.identify(match[1]);
    if (holder === undefined) throw new InvalidCredentials();
    if (!this.rateLimiter.take(holder.party, Date.now())) throw new RateLimited(this.rateLimiter.secondsUntilNextToken());
    request.party = holder.party;
    request.actor = { party: holder.party, keyId: holder.keyId, ...accountabilityHeaders(request.headers), requestId: String(request.id) };
    return true;
  }
}
