import { DynamicModule, Inject, Module, Optional } from '@nestjs/common';
import { DELIVERY_CHANNEL, DeliveryChannel, KafkaDeliveryChannel } from '@cmx/delivery';
import { EngineProbes, ExchangeConfig, kafkajsLogThroughNest } from '@cmx/platform';
import { AcknowledgeDeliveries } from './acknowledge-deliveries/acknowledge-deliveries';
import { AcknowledgeDeliveriesController } from './acknowledge-deliveries/acknowledge-deliveries.controller';
import { AcknowledgeGrpcController } from './acknowledge-deliveries/acknowledge.grpc.controller';
import { Dispatcher } from './dispatch-events/dispatcher.service';
import { SubscriptionsController } from './manage-subscriptions/subscriptions.controller';
import { FeedController } from './read-feed/feed.controller';
import { SubscribeGrpcController } from './read-feed/subscribe.grpc.controller';

/**
 * Store subscription → entitled and subscribed parties → the ledger (every
 * party's feed), and Kafka too when DELIVERY=kafka; plus the partner-facing
 * feed, acknowledgements and subscriptions.
 */
@Module({})
export class DispatcherModule {
  constructor(@Optional() @Inject(DELIVERY_CHANNEL) channel: DeliveryChannel | null, probes: EngineProbes) {
    if (channel) probes.register({ role: 'delivery', engine: channel.kind, ping: () => channel.ping() });
  }

  /** `dispatch: false`: the partner-facing routes only, for a process whose dispatcher runs in another (the all-in-one's). */
  static forRoot(config: ExchangeConfig, { dispatch = true }: { dispatch?: boolean } = {}): DynamicModule {
    const brokers = config.kafkaBrokers;
    const openDeliveryChannel = () =>
      config.delivery === 'kafka' && brokers
        ? KafkaDeliveryChannel.connect({ brokers, partitions: config.kafkaTopicPartitions, logCreator: kafkajsLogThroughNest })
        : null;
    return {
      module: DispatcherModule,
      controllers: [FeedController, AcknowledgeDeliveriesController, SubscriptionsController, SubscribeGrpcController, AcknowledgeGrpcController],
      providers: [AcknowledgeDeliveries, ...(dispatch ? [Dispatcher, { provide: DELIVERY_CHANNEL, useFactory: openDeliveryChannel }] : [])],
    };
  }
}
