import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { MissingCredentials } from '@cmx/errors';
import type { AuthenticatedRequest } from '../audit/request-actor';
import { Authenticator } from './authenticator';

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
    private readonly authenticator: Authenticator,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    // gRPC calls are authenticated by their handlers, which own the raw call (GrpcCallActor).
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const actor = this.authenticator.authenticate(request.headers.authorization, request.headers, String(request.id));
    request.party = actor.party;
    request.actor = actor;
    return true;
  }
}
