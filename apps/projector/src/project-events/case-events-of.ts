import { CaseMessageData, CaseMessageMetadata, isCaseEventType, isCaseProtectionEventType } from '@cmx/case-domain';
import type { StoredEvent } from '@cmx/event-store';
import type { CaseSummaryEvent } from '@cmx/read-models';

export interface ProjectedCaseEvent extends CaseSummaryEvent {
  readonly caseId: string;
  /** Every party entitled to the message: each has its own read models. */
  readonly readers: readonly string[];
}

/** A stored event as the projections see it; undefined for events that are not case messages. */
export function caseEventOf(event: StoredEvent): ProjectedCaseEvent | undefined {
  if (!isCaseEventType(event.type)) return undefined;
  const data = event.data as unknown as CaseMessageData;
  return {
    type: event.type,
    data,
    streamVersion: event.streamVersion,
    position: event.position,
    caseId: data.message.header.caseId,
    readers: data.entitledParties,
  };
}

/** The case an erasure, a restriction or its lifting changes: the projections fold that case again from its stream. */
export function protectedCaseOf(event: StoredEvent): string | undefined {
  return isCaseProtectionEventType(event.type) ? (event.metadata as unknown as CaseMessageMetadata).caseId : undefined;
}

/** The case ids of these events' case messages and protections that `loaded` does not hold, each once. */
export function unloadedCaseIds(events: readonly StoredEvent[], loaded: { has(caseId: string): boolean }): Set<string> {
  const ids = new Set<string>();
  for (const event of events) {
    const caseId = caseEventOf(event)?.caseId ?? protectedCaseOf(event);
    if (caseId !== undefined && !loaded.has(caseId)) ids.add(caseId);
  }
  return ids;
}

/** Each reader's state of a case folded afresh from its history (opened as the read models see it). */
export function refoldedStates<State>(
  history: readonly StoredEvent[],
  evolve: (state: State | undefined, event: ProjectedCaseEvent) => State,
): Map<string, State> {
  const states = new Map<string, State>();
  for (const event of history) {
    const projected = caseEventOf(event);
    if (!projected) continue;
    const next = new Map<State | undefined, State>();
    for (const reader of projected.readers) {
      const current = states.get(reader);
      if (!next.has(current)) next.set(current, evolve(current, projected));
      states.set(reader, next.get(current)!);
    }
  }
  return states;
}
