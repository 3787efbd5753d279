import { Inject, Injectable } from '@nestjs/common';
import { CaseEvent, CaseState, caseStreamName, evolve, initialCaseState } from '@cmx/case-domain';
import { EVENT_STORE, EventStore } from '@cmx/event-store';

const MAX_CACHED_CASES = 20_000;

/**
 * The current state of recently written cases, folded from their streams. Only
 * the gateway's own appends move a cached state forward; when another writer
 * got there first, the append's version conflict makes the caller forget it.
 */
@Injectable()
export class CaseStateCache {
  private readonly states = new Map<string, CaseState>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  cached(caseId: string): CaseState | undefined {
    const cached = this.states.get(caseId);
    if (cached) {
      this.states.delete(caseId);
      this.states.set(caseId, cached);
    }
    return cached;
  }

  async load(caseId: string): Promise<CaseState> {
    const cached = this.cached(caseId);
    if (cached) return cached;
    const events = await this.store.readStream(caseStreamName(caseId));
    const state = events.reduce((current, event) => evolve(current, event as unknown as CaseEvent), initialCaseState);
    this.remember(caseId, state);
    return state;
  }

  remember(caseId: string, state: CaseState): void {
    this.states.delete(caseId);
    this.states.set(caseId, state);
    if (this.states.size > MAX_CACHED_CASES) this.states.delete(this.states.keys().next().value as string);
  }

  forget(caseId: string): void {
    this.states.delete(caseId);
  }
}
