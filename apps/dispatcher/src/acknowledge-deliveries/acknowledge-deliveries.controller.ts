import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiCaller, ApiRefusals, CallerParty } from '@cmx/platform';
import { ACKNOWLEDGEMENT_RECEIPT_SCHEMA, ACKNOWLEDGEMENT_SCHEMA } from './acknowledge-deliveries.openapi';
import { AcknowledgeDeliveries, AcknowledgementReceipt } from './acknowledge-deliveries';
import { parseAcknowledgement } from './parse-acknowledgement';

@ApiTags('feed')
@ApiCaller()
@Controller('v1/feed/ack')
export class AcknowledgeDeliveriesController {
  constructor(private readonly deliveries: AcknowledgeDeliveries) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Acknowledge deliveries',
    description: 'Every delivery up to and including a cursor, or the deliveries of the message ids given; senders see it under `recipients`.',
  })
  @ApiBody({ required: true, schema: ACKNOWLEDGEMENT_SCHEMA })
  @ApiResponse({ status: 200, description: 'How many deliveries this call acknowledged', schema: ACKNOWLEDGEMENT_RECEIPT_SCHEMA })
  @ApiRefusals(['invalid_json', 'invalid_acknowledgement', 'unknown_cursor', 'unknown_deliveries', 'payload_too_large', 'unsupported_media_type'])
  acknowledge(@Body() body: unknown, @CallerParty() party: string): Promise<AcknowledgementReceipt> {
    return this.deliveries.acknowledge(party, parseAcknowledgement(body));
  }
}
