import { Inject, Injectable } from '@nestjs/common';
import { InvalidCredentials, MissingCredentials, RateLimited } from '@cmx/errors';
import { PARTY_DIRECTORY, PartyDirectory } from '@cmx/parties';
import { accountabilityHeaders, AccountabilityHeaders, RequestActor } from '../audit/request-actor';
import { RateLimiter } from './rate-limiter';

/** The caller of an HTTP request or a gRPC call: its API key (`Bearer <key>`), rate limit and accountability headers. */
@Injectable()
export class Authenticator {
  constructor(
    @Inject(PARTY_DIRECTORY) private readonly directory: PartyDirectory,
    private readonly rateLimiter: RateLimiter,
  ) {}

  /** Throws MissingCredentials, InvalidCredentials, RateLimited or InvalidAccountabilityHeader. */
  authenticate(authorization: unknown, headers: AccountabilityHeaders, requestId: string): RequestActor {
    const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    if (!match) throw new MissingCredentials();
    const holder = this.directory.identify(match[1]);
    if (holder === undefined) throw new InvalidCredentials();
    if (!this.rateLimiter.take(holder.party, Date.now())) throw new RateLimited(this.rateLimiter.secondsUntilNextToken());
    return { party: holder.party, keyId: holder.keyId, ...accountabilityHeaders(headers), requestId };
  }
}
