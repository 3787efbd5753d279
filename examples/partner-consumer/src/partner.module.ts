import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { DeliveriesController } from './deliveries.controller';
import { DeliveryDeduplicator } from './delivery-deduplicator';
import { PARTNER_SETTINGS } from './partner-settings';
import { ReceivedMessages } from './received-messages';

@Module({
  controllers: [DeliveriesController],
  providers: [
    {
      provide: DeliveryDeduplicator,
      useFactory: () => new DeliveryDeduplicator({ maxMessageIds: PARTNER_SETTINGS.maxMessageIds, maxCases: PARTNER_SETTINGS.maxCases }),
    },
    { provide: ReceivedMessages, useFactory: () => ReceivedMessages.open(PARTNER_SETTINGS.dataFile) },
  ],
})
export class PartnerModule implements OnApplicationShutdown {
  constructor(private readonly received: ReceivedMessages) {}

  /** After the Kafka server stopped consuming: no handler writes any more. */
  onApplicationShutdown(): void {
    this.received.close();
  }
}
