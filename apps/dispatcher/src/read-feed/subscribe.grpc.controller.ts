import { Controller, Inject, Logger } from '@nestjs/common';
import { GrpcMethod, RpcException } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { DELIVERY_LEDGER, DeliveryLedger, FeedItem } from '@cmx/delivery';
import { PERSONAL_DATA_VAULT, PersonalDataVault } from '@cmx/personal-data';
import { actorOfCall, AuditTrail, Authenticator, errorMessage, EXCHANGE_CONFIG, ExchangeConfig, GRPC_SERVICE, grpcCallError } from '@cmx/platform';
import { feedRequest } from './feed-request';
import { followFeed } from './feed-stream';
import { openFeedItems } from './open-feed-items';

interface Delivery {
  readonly cursor: string;
  readonly messageId: string;
  readonly caseId: string;
  readonly messageType: string;
  readonly deliveryJson: Buffer;
}

type SubscribeCall = ServerWritableStream<{ afterCursor: string }, Delivery>;

/** Deliveries read from the ledger at a time: also the most a slow subscriber holds in memory. */
const PAGE_SIZE = 200;

/**
 * cmx.v1.CaseExchangeService/Subscribe: the caller's feed as a server stream, exactly the deliveries and cursors of
 * GET /v1/feed, each page logged (`consult`, channel grpc) before it is sent. Resumable after any cursor.
 */
@Controller()
export class SubscribeGrpcController {
  private readonly logger = new Logger(SubscribeGrpcController.name);

  constructor(
    @Inject(DELIVERY_LEDGER) private readonly ledger: DeliveryLedger,
    @Inject(EXCHANGE_CONFIG) private readonly config: ExchangeConfig,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
    private readonly audit: AuditTrail,
    private readonly authenticator: Authenticator,
  ) {}

  /** Writes to the call itself (with its flow control); the Observable only tells Nest when the call is over. */
  @GrpcMethod(GRPC_SERVICE, 'Subscribe')
  subscribe(request: { afterCursor: string }, _metadata: unknown, call: SubscribeCall): Observable<never> {
    return new Observable<never>((subscriber) => {
      this.follow(call).then(
        () => subscriber.complete(),
        (error: unknown) => subscriber.error(new RpcException(grpcCallError(error))),
      );
    });
  }

  private async follow(call: SubscribeCall): Promise<void> {
    const actor = actorOfCall(this.authenticator, call.metadata);
    const { after } = feedRequest(call.request.afterCursor === '' ? {} : { after: call.request.afterCursor }, undefined);
    const { party } = actor;
    const beforeSending = async (items: readonly FeedItem[]) => {
      const cases = items.map((item) => ({ caseId: item.delivery.caseId, messageIds: [item.delivery.messageId] }));
      await this.audit.record(actor, { operation: 'consult', cases, channel: 'grpc' });
    };
    await followFeed(
      {
        ledger: this.ledger,
        party,
        after,
        pageSize: PAGE_SIZE,
        heartbeatMs: this.config.feedHeartbeatMs,
        beforeSending,
        open: (items) => openFeedItems(this.vault, items, party),
      },
      {
        write: (item) => call.write(deliveryOf(item)),
        drained: () =>
          new Promise((resolve) => {
            call.once('drain', resolve);
            call.once('cancelled', resolve);
          }),
        heartbeat: () => undefined,
        onClose: (listener) => {
          if (call.cancelled) queueMicrotask(listener);
          call.on('cancelled', listener);
          return () => call.off('cancelled', listener);
        },
      },
    ).catch((error: unknown) => {
      // The client sees the call fail, and resumes after its last cursor.
      this.logger.error(`gRPC subscription of ${party} ended: ${errorMessage(error)}`);
      throw error;
    });
  }
}

function deliveryOf(item: FeedItem): Delivery {
  const { delivery } = item;
  return {
    cursor: item.cursor,
    messageId: delivery.messageId,
    caseId: delivery.caseId,
    messageType: delivery.type,
    deliveryJson: Buffer.from(JSON.stringify(delivery)),
  };
}
