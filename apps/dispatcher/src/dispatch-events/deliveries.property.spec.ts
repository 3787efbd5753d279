import fc from 'fast-check';
import { referenceDeliveries, World } from '../../../../test/support/reference-deliveries';
import { worldArbitrary } from '../../../../test/support/world';
import { worldEvents } from '../../../../test/support/world-events';
import { SubscriptionBook } from '../subscriptions/subscription-book';
import { deliveriesOf } from './deliveries-of';

/** A world through the exchange's domain, then the dispatcher's subscription book and deliveriesOf over its events. */
function runThroughTheExchange(world: World) {
  const { events, stepOfMessage, refused } = worldEvents(world);
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
