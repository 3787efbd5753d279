import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@cmx/event-store';
import { PERSONAL_DATA_VAULT, PersonalDataVault } from '@cmx/personal-data';
import { EngineProbes, errorText, EXCHANGE_CONFIG, ExchangeConfig } from '@cmx/platform';
import { READ_MODEL_DATABASE, SqlDatabase } from '@cmx/read-models';
import { newProjection } from './new-projection';
import { OpenedEvents } from './opened-events';
import { PROJECTION_NAMES } from './projection';
import { ProjectionRunner } from './projection-runner';

/** Runs every projection, each from its own checkpoint; /health shows each one's lag. */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProjectorService.name);
  private readonly runners: ProjectionRunner[];

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(READ_MODEL_DATABASE) db: SqlDatabase,
    @Inject(EXCHANGE_CONFIG) config: ExchangeConfig,
    @Inject(PERSONAL_DATA_VAULT) vault: PersonalDataVault,
    probes: EngineProbes,
  ) {
    const casesInMemory = config.projectorCasesInMemory;
    const opened = new OpenedEvents(vault);
    this.runners = PROJECTION_NAMES.map(
      (name) =>
        new ProjectionRunner(
          store,
          db,
          opened,
          () => newProjection(name, { casesInMemory }),
          (error) => this.fail(name, error),
        ),
    );
    for (const runner of this.runners) probes.registerReport({ section: 'projections', name: runner.name, read: () => runner.lag() });
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.start()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  /** A projection that cannot write stops the process: its supervisor restarts it and it resumes from the checkpoint. */
  private fail(name: string, error: unknown): never {
    this.logger.error(`projection ${name} stopped: ${errorText(error)}`);
    process.exit(1);
  }
}
