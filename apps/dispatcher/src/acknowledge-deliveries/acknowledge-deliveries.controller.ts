import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CallerParty } from '@cmx/platform';
import { AcknowledgeDeliveries, AcknowledgementReceipt } from './acknowledge-deliveries';
import { parseAcknowledgement } from './parse-acknowledgement';

@Controller('v1/feed/ack')
export class AcknowledgeDeliveriesController {
  constructor(private readonly deliveries: AcknowledgeDeliveries) {}

  @Post()
  @HttpCode(200)
  acknowledge(@Body() body: unknown, @CallerParty() party: string): Promise<AcknowledgementReceipt> {
    return this.deliveries.acknowledge(party, parseAcknowledgement(body));
  }
}
