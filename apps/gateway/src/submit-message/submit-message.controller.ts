import { Body, Controller, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CallerParty } from '@cmx/platform';
import { Receipt } from './receipt';
import { SubmitMessageService } from './submit-message.service';

@Controller('v1/messages')
export class SubmitMessageController {
  constructor(private readonly submitMessage: SubmitMessageService) {}

  @Post()
  async submit(
    @Body() body: unknown,
    @CallerParty() caller: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Receipt> {
    const { receipt, firstReceipt } = await this.submitMessage.submit(body, caller);
    reply.status(firstReceipt ? 201 : 200);
    return receipt;
  }
}
