import { CmfMessage, validateCmfMessage } from '@cmx/contracts';
import { CaseState, caseStreamName, decide, evolve, initialCaseState } from '@cmx/case-domain';
import { ExchangeError } from '@cmx/errors';
import type { StoredEvent } from '@cmx/event-store';
import { PartyDirectory } from '@cmx/parties';
import type { World } from './reference-deliveries';
import { cmfMessageOf, worldCaseId } from './world';

export const WORLD_NOW = new Date('2026-03-14T09:30:00Z');

/** The subscription change events carry this type (the dispatcher's SUBSCRIPTION_CHANGED). */
const SUBSCRIPTION_CHANGED = 'SubscriptionChanged';

export interface WorldEvents {
  /** What the store would hold, in order, with positions 1, 2, 3… */
  readonly events: StoredEvent[];
  /** The world step of each accepted message, by message id. */
  readonly stepOfMessage: Map<string, number>;
  /** The refused message steps, with the refusal's code. */
  readonly refused: Map<number, string>;
}

/**
 * Plays a world through the exchange's own domain: every message validated as
 * CMF/1 and decided against a directory whose memberships change as the world
 * says, the accepted events stored in order, the subscription changes too.
 */
export function worldEvents(world: World): WorldEvents {
  const directory = PartyDirectory.fromJson({
    parties: world.parties.map((code) => ({ code, kind: code.startsWith('NCB-') ? 'bureau' : 'agency', apiKeys: [] })),
    operations: Object.entries(world.operations).map(([id, members]) => ({ id, members })),
    taskForces: Object.entries(world.taskForces).map(([id, members]) => ({ id, members })),
    admins: [world.admin],
  });
  const states = new Map<string, CaseState>();
  const events: StoredEvent[] = [];
  const stepOfMessage = new Map<string, number>();
  const refused = new Map<number, string>();
  let membershipVersion = 0;
  const store = (event: Omit<StoredEvent, 'position' | 'recordedAt'>) =>
    events.push({ ...event, position: String(events.length + 1), recordedAt: WORLD_NOW.toISOString() });

  world.steps.forEach((step, index) => {
    if (step.kind === 'membership') {
      directory.applyMembershipChange(++membershipVersion, step.group, step.id, step.members);
    } else if (step.kind === 'subscription') {
      store({
        id: `s${index}`,
        type: SUBSCRIPTION_CHANGED,
        streamName: `subscriptions-${step.party}`,
        streamVersion: 1,
        data: { party: step.party, filters: step.filters },
        metadata: {},
      });
    } else {
      const caseId = worldCaseId(1, step.caseKey);
      const message = cmfMessageOf(step, caseId, WORLD_NOW, `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`) as unknown as CmfMessage;
      const validation = validateCmfMessage(message, { now: WORLD_NOW });
      if (!validation.ok) throw new Error(`world step ${index} is not valid CMF/1: ${JSON.stringify(validation.violations)}`);
      const state = states.get(caseId) ?? initialCaseState;
      try {
        const [event] = decide({ message, caller: step.sender, receivedAt: WORLD_NOW, directory }, state);
        const next = evolve(state, event);
        states.set(caseId, next);
        store({
          id: event.metadata.messageId,
          type: event.type,
          streamName: caseStreamName(caseId),
          streamVersion: next.version,
          data: event.data as never,
          metadata: event.metadata as never,
        });
        stepOfMessage.set(event.metadata.messageId, index);
      } catch (error) {
        if (!(error instanceof ExchangeError)) throw error;
        refused.set(index, error.code);
      }
    }
  });
  return { events, stepOfMessage, refused };
}
