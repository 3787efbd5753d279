import fc from 'fast-check';
import { CmfMessage, validateCmfMessage } from '@cmx/contracts';
import { CaseState, caseStreamName, decide, evolve, initialCaseState } from '@cmx/case-domain';
import { ExchangeError } from '@cmx/errors';
import type { StoredEvent } from '@cmx/event-store';
import { PartyDirectory } from '@cmx/parties';
import { referenceDeliveries, World } from '../../../../test/support/reference-deliveries';
import { cmfMessageOf, worldArbitrary, worldCaseId } from '../../../../test/support/world';
import { SUBSCRIPTION_CHANGED } from '../subscriptions/subscription-events';
import { SubscriptionBook } from '../subscriptions/subscription-book';
import { deliveriesOf } from './deliveries-of';

const NOW = new Date('2026-03-14T09:30:00Z');

/**
 * Runs a world through the exchange's own pieces: decide/evolve against a
 * directory whose memberships change, the stored events in order, and the
 * dispatcher's subscription book and deliveriesOf over them.
 */
function runThroughTheExchange(world: World) {
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
    events.push({ ...event, position: String(events.length + 1), recordedAt: NOW.toISOString() });

  world.steps.forEach((step, index) => {
    if (step.kind === 'membership') {
      directory.applyMembershipChange(++membershipVersion, step.group, step.id, step.members);
    } else if (step.kind === 'subscription') {
      store({ id: `s${index}`, type: SUBSCRIPTION_CHANGED, streamName: `subscriptions-${step.party}`, streamVersion: 1, data: { party: step.party, filters: step.filters }, metadata: {} });
    } else {
      const caseId = worldCaseId(1, step.caseKey);
      const message = cmfMessageOf(step, caseId, NOW, `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`) as unknown as CmfMessage;
      expect(validateCmfMessage(message, { now: NOW })).toMatchObject({ ok: true });
      const state = states.get(caseId) ?? initialCaseState;
      try {
        const [event] = decide({ message, caller: step.sender, receivedAt: NOW, directory }, state);
        const next = evolve(state, event);
        states.set(caseId, next);
        store({ id: event.metadata.messageId, type: event.type, streamName: caseStreamName(caseId), streamVersion: next.version, data: event.data as never, metadata: event.metadata as never });
        stepOfMessage.set(event.metadata.messageId, index);
      } catch (error) {
        if (!(error instanceof ExchangeError)) throw error;
        refused.set(index, error.code);
      }
    }
  });

  const book = new SubscriptionBook();
  const received = new Map<string, number[]>(world.parties.map((party) => [party, []]));
  const outsideEntitlement: string[] = [];
  for (const event of events) {
    if (book.apply(event)) continue;
    for (const delivery of deliveriesOf(event, book)) {
      received.get(delivery.party)!.push(stepOfMessage.get(delivery.payload.messageId)!);
      if (!(event.data as { entitledParties: string[] }).entitledParties.includes(delivery.party)) outsideEntitlement.push(delivery.party);
    }
  }
  return { refused, received, outsideEntitlement };
}

describe('who receives what (property: the exchange equals the reference model)', () => {
  it('for 3,000 random worlds, every party receives exactly what the reference computes, nothing outside its entitlement, and every refusal (a distribution to nobody among them) matches the reference', () => {
    let delivered = 0;
    const refusals = new Map<string, number>();
    fc.assert(
      fc.property(worldArbitrary(), (world) => {
        const expected = referenceDeliveries(world);
        const actual = runThroughTheExchange(world);
        expect(actual.outsideEntitlement).toEqual([]);
        expect(Object.fromEntries(actual.refused)).toEqual(Object.fromEntries(expected.refused));
        expect(Object.fromEntries(actual.received)).toEqual(Object.fromEntries(expected.received));
        delivered += [...expected.received.values()].reduce((sum, steps) => sum + steps.length, 0);
        [...expected.refused.values()].forEach((code) => refusals.set(code, (refusals.get(code) ?? 0) + 1));
      }),
      { numRuns: 3000 },
    );
    // The worlds must reach every outcome often, or the property says little.
    expect(delivered).toBeGreaterThan(2_500);
    for (const code of ['distribution_resolves_to_nobody', 'unknown_reference', 'not_entitled_to_case', 'case_not_found', 'case_already_exists']) {
      expect(refusals.get(code)).toBeGreaterThan(20);
    }
  });
});
