import { Body, Controller, Headers, Post, Res } from '@nestjs/common';
import { UnsupportedMediaType } from '@cmx/errors';
import type { FastifyReply } from 'fastify';
import { Actor, AuditTrail, ExchangeMetrics, RequestActor } from '@cmx/platform';
import { Receipt } from './receipt';
import { SubmitMessageService } from './submit-message.service';

@Controller('v1/messages')
export class SubmitMessageController {
  constructor(
    private readonly submitMessage: SubmitMessageService,
    private readonly audit: AuditTrail,
    private readonly metrics: ExchangeMetrics,
  ) {}

  @Post()
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
