import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@cmx/event-store';
import { MembershipChangedData, MEMBERSHIPS_STREAM, PARTY_DIRECTORY, PartyDirectory } from '@cmx/parties';
import { EXCHANGE_CONFIG, ExchangeConfig } from '../config/exchange-config';
import { errorMessage } from '../logging/logged-error';

/**
 * Keeps this process's operation and task-force members current: the parties
 * file gives the starting lists, the memberships stream every change since.
 * Read in full before the process serves a request, then every
 * MEMBERSHIP_REFRESH_MS for changes made through another process.
 */
@Injectable()
export class MembershipFollower implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MembershipFollower.name);
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> = Promise.resolve();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PARTY_DIRECTORY) private readonly directory: PartyDirectory,
    @Inject(EXCHANGE_CONFIG) private readonly config: ExchangeConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.catchUp();
    this.timer = setInterval(() => {
      this.catchUp().catch((error: unknown) => this.logger.warn(`reading membership changes failed: ${errorMessage(error)}`));
    }, this.config.membershipRefreshMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.reading.catch(() => undefined);
  }

  /** Applies every change stored since the last one applied, in stream order; one read at a time. */
  catchUp(): Promise<void> {
    this.reading = this.reading
      .catch(() => undefined)
      .then(async () => {
        const changes = await this.store.readStream(MEMBERSHIPS_STREAM, { afterVersion: this.directory.membershipsVersion() });
        for (const change of changes) {
          const { kind, id, members } = change.data as unknown as MembershipChangedData;
          this.directory.applyMembershipChange(change.streamVersion, kind, id, members);
        }
      });
    return this.reading;
  }
}
