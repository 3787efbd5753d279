import { ChildProcess, fork } from 'node:child_process';
import { extname, join } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DELIVERY_LEDGER, DeliveryLedger } from '@cmx/delivery';
import { DISPATCHER_LAG_SECTION, EngineProbes, EXCHANGE_CONFIG, ExchangeConfig } from '@cmx/platform';
import { PROJECTION_NAMES } from '@cmx/projector/project-events/projection';
import type { BackgroundMessage, BackgroundStatus } from './background-messages';

const STATUS_TIMEOUT_MS = 2_000;
const RESTART_DELAY_MS = 1_000;

/**
 * Runs the dispatcher and the projector in a child process of `npm start` (background.ts), so that they use the
 * second core instead of the HTTP event loop; restarts it if it dies (each resumes from its checkpoint), relays its
 * deliveries to the feed streams of this process, and its projections' and dispatcher's lag and engines to /health (and /metrics).
 */
@Injectable()
export class BackgroundProcess implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Background');
  private child: ChildProcess | undefined;
  private stopping = false;
  private nextStatusId = 0;
  private readonly statusWaiters = new Map<number, (status: BackgroundStatus | undefined) => void>();

  constructor(
    @Inject(DELIVERY_LEDGER) private readonly ledger: DeliveryLedger,
    @Inject(EXCHANGE_CONFIG) config: ExchangeConfig,
    probes: EngineProbes,
  ) {
    const relayed = [...PROJECTION_NAMES.map((name) => ({ section: 'projections', name })), { section: DISPATCHER_LAG_SECTION, name: config.delivery }];
    for (const { section, name } of relayed) {
      probes.registerReport({
        section,
        name,
        read: async () => (await this.status())?.reports.find((report) => report.section === section && report.name === name)?.value ?? { status: 'unknown' },
      });
    }
    if (config.delivery === 'kafka') probes.register({ role: 'delivery', engine: 'kafka', ping: () => this.ping('delivery') });
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  private start(): void {
    // From dist/ the child is background.js; from the sources (benchmarks) it runs through ts-node as this process does.
    const typescript = extname(__filename) === '.ts';
    const child = fork(join(__dirname, `background${extname(__filename)}`), [], {
      execArgv: typescript ? ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'] : process.execArgv,
      stdio: 'inherit',
    });
    this.child = child;
    child.on('message', (message: BackgroundMessage) => this.receive(message));
    child.on('exit', (code, signal) => {
      for (const waiter of this.statusWaiters.values()) waiter(undefined);
      this.statusWaiters.clear();
      if (this.stopping) return;
      this.logger.error(`the dispatcher and projector process ended (${signal ?? `code ${code}`}); restarting it`);
      setTimeout(() => this.stopping || this.start(), RESTART_DELAY_MS).unref();
    });
  }

  private receive(message: BackgroundMessage): void {
    if (message.kind === 'recorded') this.ledger.recordedElsewhere();
    if (message.kind === 'status') {
      this.statusWaiters.get(message.id)?.(message.status);
      this.statusWaiters.delete(message.id);
    }
  }

  private status(): Promise<BackgroundStatus | undefined> {
    const child = this.child;
    if (!child?.connected) return Promise.resolve(undefined);
    const id = this.nextStatusId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.statusWaiters.delete(id);
        resolve(undefined);
      }, STATUS_TIMEOUT_MS);
      this.statusWaiters.set(id, (status) => {
        clearTimeout(timer);
        resolve(status);
      });
      child.send({ kind: 'status?', id } satisfies BackgroundMessage);
    });
  }

  private async ping(role: string): Promise<void> {
    const probe = (await this.status())?.probes.find((candidate) => candidate.role === role);
    if (!probe) throw new Error('the dispatcher and projector process does not answer');
    if (probe.error) throw new Error(probe.error);
  }
}
