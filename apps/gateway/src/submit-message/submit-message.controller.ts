import { Body, Controller, Headers, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { UnsupportedMediaType } from '@cmx/errors';
import type { FastifyReply } from 'fastify';
import { Actor, ApiCaller, ApiRefusals, AuditTrail, CMF_MESSAGE_SCHEMA_NAME, cmfSchema, ExchangeMetrics, RECEIPT_SCHEMA, RequestActor } from '@cmx/platform';
import { Receipt } from './receipt';
import { SubmitMessageService } from './submit-message.service';
import { MESSAGE_REFUSALS } from './submit-message.openapi';

@ApiTags('messages')
@ApiCaller()
@Controller('v1/messages')
export class SubmitMessageController {
  constructor(
    private readonly submitMessage: SubmitMessageService,
    private readonly audit: AuditTrail,
    private readonly metrics: ExchangeMetrics,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Submit one CMF/1 message',
    description:
      'The message becomes one immutable event on its case. 201 with the receipt once it is on disk; the same message again (same messageId, same content) ' +
      'answers 200 with its first receipt and stores nothing; another content under a stored messageId is 409 message_id_reused.',
  })
  @ApiBody({ required: true, description: 'A CMF/1 message (`Content-Type: application/json`, at most 256 KiB)', schema: cmfSchema(CMF_MESSAGE_SCHEMA_NAME) })
  @ApiResponse({ status: 201, description: 'Accepted: the receipt', schema: RECEIPT_SCHEMA })
  @ApiResponse({ status: 200, description: 'A repeat of a message accepted before: its first receipt, nothing new stored', schema: RECEIPT_SCHEMA })
  @ApiRefusals([...MESSAGE_REFUSALS, 'unsupported_media_type', 'audit_unavailable'])
  async submit(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Actor() actor: RequestActor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Receipt> {
    // An NDJSON body is parsed as text, for the batch route only.
    if (typeof body === 'string') throw new UnsupportedMediaType(contentType);
    const { receipt, firstReceipt } = await this.submitMessage.submit(body, actor.party).catch((refusal: unknown) => {
      this.metrics.observeSubmission('http', actor.party, { refusal });
      throw refusal;
    });
    this.metrics.observeSubmission('http', actor.party, { firstReceipt });
    // A repeat is logged too: the first answer may have been lost with its entry (503), and the sender sent it again.
    await this.audit.record(actor, { operation: 'collect', cases: [{ caseId: receipt.caseId, messageIds: [receipt.messageId] }] });
    reply.status(firstReceipt ? 201 : 200);
    return receipt;
  }
}
