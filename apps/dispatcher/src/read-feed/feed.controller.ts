import { Controller, Get, Headers, Inject, Logger, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DELIVERY_LEDGER, DeliveryLedger, FeedItem } from '@cmx/delivery';
import { CallerParty, EXCHANGE_CONFIG, ExchangeConfig, QueryParameters } from '@cmx/platform';
import { feedRequest } from './feed-request';
import { streamFeed } from './feed-stream';

export interface FeedPage {
  readonly items: readonly FeedItem[];
  /** Pass as `after` for the next page: the last item's cursor, or the `after` given when there was nothing new. */
  readonly nextCursor: string | null;
}

/** The caller's deliveries in delivery order: JSON pages, or server-sent events with `Accept: text/event-stream`. */
@Controller('v1/feed')
export class FeedController {
  private readonly logger = new Logger(FeedController.name);

  constructor(
    @Inject(DELIVERY_LEDGER) private readonly ledger: DeliveryLedger,
    @Inject(EXCHANGE_CONFIG) private readonly config: ExchangeConfig,
  ) {}

  @Get()
  async feed(
    @Query() query: QueryParameters,
    @Headers('accept') accept: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @CallerParty() party: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const wantsEvents = (accept ?? '').includes('text/event-stream');
    const { after, limit } = feedRequest(query, wantsEvents ? lastEventId : undefined);
    if (!wantsEvents) {
      const items = await this.ledger.readFeed(party, after, limit);
      const page: FeedPage = { items, nextCursor: items.length > 0 ? items[items.length - 1].cursor : (after ?? null) };
      await reply.send(page);
      return;
    }
    reply.hijack();
    await streamFeed(reply.raw, { ledger: this.ledger, party, after, pageSize: limit, heartbeatMs: this.config.feedHeartbeatMs }).catch(
      (error: unknown) => {
        // The response has begun: the client sees the stream end, and resumes from its last id.
        this.logger.error(`feed stream of ${party} ended: ${(error as Error)?.stack ?? String(error)}`);
        reply.raw.destroy();
      },
    );
  }
}
