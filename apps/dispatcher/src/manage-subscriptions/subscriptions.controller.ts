import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EVENT_STORE, EventStore, JsonObject } from '@cmx/event-store';
import { PARTY_DIRECTORY, PartyDirectory } from '@cmx/parties';
import { Actor, AuditTrail, CallerParty, RequestActor } from '@cmx/platform';
import { parseSubscription } from '../subscriptions/parse-subscription';
import { SUBSCRIPTION_CHANGED, SubscriptionChangedData, subscriptionStreamName } from '../subscriptions/subscription-events';
import { DEFAULT_FILTERS, SubscriptionFilter } from '../subscriptions/subscription-filter';

export interface SubscriptionView {
  readonly filters: readonly SubscriptionFilter[];
  /** How many times the caller has changed its subscription. */
  readonly version: number;
  /** The store position of the change in force; deliveries after it are filtered by it. Null for the default. */
  readonly position: string | null;
}

/** A party narrows what it receives within what it is entitled to; each change is an event the dispatcher applies in store order. */
@Controller('v1/subscriptions')
export class SubscriptionsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PARTY_DIRECTORY) private readonly directory: PartyDirectory,
    private readonly audit: AuditTrail,
  ) {}

  @Get()
  async current(@CallerParty() party: string): Promise<SubscriptionView> {
    const changes = await this.store.readStream(subscriptionStreamName(party));
    const last = changes[changes.length - 1];
    if (last === undefined) return { filters: DEFAULT_FILTERS, version: 0, position: null };
    return { filters: (last.data as unknown as SubscriptionChangedData).filters, version: last.streamVersion, position: last.position };
  }

  @Put()
  async change(@Body() body: unknown, @Actor() actor: RequestActor): Promise<SubscriptionView> {
    const { party } = actor;
    const filters = parseSubscription(body, this.directory);
    const data: SubscriptionChangedData = { party, filters };
    // Before the change: a change never takes effect without its entry.
    await this.audit.record(actor, { operation: 'admin', cases: [] });
    const result = await this.store.append(
      subscriptionStreamName(party),
      [{ id: randomUUID(), type: SUBSCRIPTION_CHANGED, data: data as unknown as JsonObject, metadata: { party } }],
      'any',
    );
    if (result.outcome !== 'appended') throw new Error(`subscription change of ${party} was not appended: ${result.outcome}`);
    const [stored] = result.events;
    return { filters, version: stored.streamVersion, position: stored.position };
  }
}
