import { Module } from '@nestjs/common';
import { DeliveriesController } from './deliveries.controller';
import { DeliveryDeduplicator } from './delivery-deduplicator';
import { PARTNER_SETTINGS } from './partner-settings';

@Module({
  controllers: [DeliveriesController],
  providers: [
    {
      provide: DeliveryDeduplicator,
      useFactory: () =>
        new DeliveryDeduplicator({ maxMessageIds: PARTNER_SETTINGS.maxMessageIds, maxCases: PARTNER_SETTINGS.maxCases }),
    },
  ],
})
export class PartnerModule {}
