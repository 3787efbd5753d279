import { Injectable } from '@nestjs/common';

export interface EngineProbe {
  /** What the engine is for in this process, e.g. eventStore, delivery. */
  readonly role: string;
  /** Which engine, e.g. sqlite, kafka. */
  readonly engine: string;
  ping(): Promise<void>;
}

/** The engines this process uses; each module registers its own. /health probes them all. */
@Injectable()
export class EngineProbes {
  private readonly probes: EngineProbe[] = [];

  register(probe: EngineProbe): void {
    this.probes.push(probe);
  }

  all(): readonly EngineProbe[] {
    return this.probes;
  }
}
