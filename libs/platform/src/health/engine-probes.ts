import { Injectable } from '@nestjs/common';

export interface EngineProbe {
  /** What the engine is for in this process, e.g. eventStore, delivery. */
  readonly role: string;
  /** Which engine, e.g. sqlite, kafka. */
  readonly engine: string;
  ping(): Promise<void>;
}

/** Something a process reports on /health besides its engines, e.g. a projection's lag. */
export interface StatusReport {
  /** The section of /health it goes under, e.g. projections. */
  readonly section: string;
  readonly name: string;
  read(): Promise<unknown>;
}

/** The engines this process uses, and what else it reports; each module registers its own. /health reads them all. */
@Injectable()
export class EngineProbes {
  private readonly probes: EngineProbe[] = [];
  private readonly reports: StatusReport[] = [];

  register(probe: EngineProbe): void {
    this.probes.push(probe);
  }

  registerReport(report: StatusReport): void {
    this.reports.push(report);
  }

  all(): readonly EngineProbe[] {
    return this.probes;
  }

  allReports(): readonly StatusReport[] {
    return this.reports;
  }
}
