import { CaseMessageData, isCaseEventType } from '@cmx/case-domain';
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

/** The case ids of these events' case messages that `loaded` does not hold, each once. */
export function unloadedCaseIds(events: readonly StoredEvent[], loaded: { has(caseId: string): boolean }): Set<string> {
  const ids = new Set<string>();
  for (const event of events) {
    const projected = caseEventOf(event);
    if (projected && !loaded.has(projected.caseId)) ids.add(projected.caseId);
  }
  return ids;
}
