import { Controller, Get, Headers, Inject, Logger, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuditChannel } from '@cmx/audit';
import { DELIVERY_LEDGER, DeliveryLedger, FeedItem } from '@cmx/delivery';
import { PERSONAL_DATA_VAULT, PersonalDataVault } from '@cmx/personal-data';
import {
  Actor,
  ApiCaller,
  ApiRefusals,
  AuditTrail,
  errorText,
  EXCHANGE_CONFIG,
  ExchangeConfig,
  ExchangeMetrics,
  limitQuery,
  QueryParameters,
  RequestActor,
  STORE_POSITION,
} from '@cmx/platform';
import { FEED_EVENT_STREAM_SCHEMA, FEED_PAGE_SCHEMA } from './feed.openapi';
import { DEFAULT_FEED_PAGE, feedRequest, MAX_FEED_PAGE } from './feed-request';
import { streamFeed } from './feed-stream';
import { openFeedItems } from './open-feed-items';

export interface FeedPage {
  readonly items: readonly FeedItem[];
  /** Pass as `after` for the next page: the last item's cursor, or the `after` given when there was nothing new. */
  readonly nextCursor: string | null;
}

/** The caller's deliveries in delivery order: JSON pages, or server-sent events with `Accept: text/event-stream`. */
@ApiTags('feed')
@ApiCaller()
@Controller('v1/feed')
export class FeedController {
  private readonly logger = new Logger(FeedController.name);

  constructor(
    @Inject(DELIVERY_LEDGER) private readonly ledger: DeliveryLedger,
    @Inject(EXCHANGE_CONFIG) private readonly config: ExchangeConfig,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
    private readonly audit: AuditTrail,
    private readonly metrics: ExchangeMetrics,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The caller’s deliveries, in delivery order, resumable',
    description:
      'JSON pages by cursor; with `Accept: text/event-stream` the same as server-sent events (`id:` = cursor), resumable with `Last-Event-ID`. ' +
      'A delivery may be a message or an erasure.notice; acknowledge with POST /v1/feed/ack.',
  })
  @ApiQuery({
    name: 'after',
    required: false,
    description: 'Deliveries after this cursor (the nextCursor of the previous page); from the first when absent',
    schema: STORE_POSITION,
  })
  @ApiQuery(limitQuery(MAX_FEED_PAGE, DEFAULT_FEED_PAGE))
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'With `Accept: text/event-stream`: the id of the last event received, sent by an SSE client reconnecting; it wins over `after`.',
    schema: STORE_POSITION,
  })
  @ApiResponse({
    status: 200,
    description: 'A page of deliveries, or (Accept: text/event-stream) the stream of them',
    content: { 'application/json': { schema: FEED_PAGE_SCHEMA }, 'text/event-stream': { schema: FEED_EVENT_STREAM_SCHEMA } },
  })
  @ApiRefusals(['invalid_query', 'audit_unavailable'])
  async feed(
    @Query() query: QueryParameters,
    @Headers('accept') accept: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Actor() actor: RequestActor,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { party } = actor;
    const wantsEvents = (accept ?? '').includes('text/event-stream');
    const { after, limit } = feedRequest(query, wantsEvents ? lastEventId : undefined);
    if (!wantsEvents) {
      const items = await openFeedItems(this.vault, await this.ledger.readFeed(party, after, limit), party);
      await this.consulted(actor, items, 'feed');
      const page: FeedPage = { items, nextCursor: items.length > 0 ? items[items.length - 1].cursor : (after ?? null) };
      await reply.send(page);
      return;
    }
    // The stream writes its own head: the request id set on the Fastify reply would not reach it.
    reply.raw.setHeader('x-request-id', actor.requestId);
    reply.hijack();
    const beforeSending = (items: readonly FeedItem[]) => this.consulted(actor, items, 'sse');
    const open = (items: readonly FeedItem[]) => openFeedItems(this.vault, items, party);
    const closed = this.metrics.sseConnectionOpened();
    await streamFeed(reply.raw, { ledger: this.ledger, party, after, pageSize: limit, heartbeatMs: this.config.feedHeartbeatMs, beforeSending, open })
      .catch((error: unknown) => {
        // The response has begun: the client sees the stream end, and resumes from its last id.
        this.logger.error(`feed stream of ${party} ended: ${errorText(error)}`);
        reply.raw.destroy();
      })
      .finally(closed);
  }

  /** An empty page discloses nothing and leaves no entry. */
  private async consulted(actor: RequestActor, items: readonly FeedItem[], channel: AuditChannel): Promise<void> {
    if (items.length === 0) return;
    const cases = items.map((item) => ({ caseId: item.delivery.caseId, messageIds: [item.delivery.messageId] }));
    return this.audit.record(actor, { operation: 'consult', cases, channel });
  }
}
