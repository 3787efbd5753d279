import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { EVENT_STORE, EventStore, JsonObject } from '@cmx/event-store';
import { PARTY_DIRECTORY, PartyDirectory } from '@cmx/parties';
import { Actor, ApiCaller, ApiRefusals, AuditTrail, CallerParty, RequestActor } from '@cmx/platform';
import { parseSubscription } from '../subscriptions/parse-subscription';
import { SUBSCRIPTION_CHANGED, SubscriptionChangedData, subscriptionStreamName } from '../subscriptions/subscription-events';
import { DEFAULT_FILTERS, SubscriptionFilter } from '../subscriptions/subscription-filter';
import { SUBSCRIPTION_SCHEMA, SUBSCRIPTION_VIEW_SCHEMA } from './subscriptions.openapi';

export interface SubscriptionView {
  readonly filters: readonly SubscriptionFilter[];
  /** How many times the caller has changed its subscription. */
  readonly version: number;
  /** The store position of the change in force; deliveries after it are filtered by it. Null for the default. */
  readonly position: string | null;
}

/** A party narrows what it receives within what it is entitled to; each change is an event the dispatcher applies in store order. */
@ApiTags('subscriptions')
@ApiCaller()
@Controller('v1/subscriptions')
export class SubscriptionsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PARTY_DIRECTORY) private readonly directory: PartyDirectory,
    private readonly audit: AuditTrail,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The caller’s subscription filters' })
  @ApiResponse({ status: 200, description: 'The filters in force', schema: SUBSCRIPTION_VIEW_SCHEMA })
  @ApiRefusals([])
  async current(@CallerParty() party: string): Promise<SubscriptionView> {
    const changes = await this.store.readStream(subscriptionStreamName(party));
    const last = changes[changes.length - 1];
    if (last === undefined) return { filters: DEFAULT_FILTERS, version: 0, position: null };
    return { filters: (last.data as unknown as SubscriptionChangedData).filters, version: last.streamVersion, position: last.position };
  }

  @Put()
  @ApiOperation({ summary: 'Replace the caller’s subscription filters', description: 'Applies to every delivery after the change in the store, from now on.' })
  @ApiBody({ required: true, schema: SUBSCRIPTION_SCHEMA })
  @ApiResponse({ status: 200, description: 'The filters now in force', schema: SUBSCRIPTION_VIEW_SCHEMA })
  @ApiRefusals(['invalid_json', 'invalid_subscription', 'payload_too_large', 'unsupported_media_type', 'audit_unavailable'])
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
