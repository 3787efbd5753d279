import { Body, Controller, Headers, Post, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { UnsupportedMediaType } from '@cmx/errors';
import type { FastifyReply } from 'fastify';
import { MAX_BATCH_LINES } from '@cmx/contracts';
import {
  Actor,
  ApiCaller,
  ApiRefusals,
  AuditTrail,
  CMF_MESSAGE_SCHEMA_NAME,
  cmfSchema,
  ErrorBody,
  ExchangeMetrics,
  ndjsonOf,
  RequestActor,
  toErrorResponse,
} from '@cmx/platform';
import { Receipt } from '../submit-message/receipt';
import { SubmitMessageService } from '../submit-message/submit-message.service';
import { ndjsonLines } from './ndjson-lines';
import { BATCH_LINE_OUTCOME_SCHEMA } from './submit-batch.openapi';

/** One answer line: the receipt of a message accepted (201, or 200 for a repeat), or its refusal, exactly as POST /v1/messages would answer it. */
export interface BatchLineOutcome {
  readonly line: number;
  readonly status: number;
  readonly receipt?: Receipt;
  readonly error?: ErrorBody;
}

/**
 * POST /v1/messages:batch, `application/x-ndjson`: one CMF/1 message a line, each accepted or refused on its
 * own. The messages are submitted together (SubmitMessageService.submitMany: one case's in line order and in
 * one append, so they share the store's group commits); the answer starts once every accepted one is durable and logged.
 */
@ApiTags('messages')
@ApiCaller()
@Controller('v1')
export class SubmitBatchController {
  constructor(
    private readonly submitMessage: SubmitMessageService,
    private readonly audit: AuditTrail,
    private readonly metrics: ExchangeMetrics,
  ) {}

  @Post('messages::batch')
  @ApiOperation({
    summary: 'Submit many CMF/1 messages, one a line',
    description:
      `\`Content-Type: application/x-ndjson\`, at most ${MAX_BATCH_LINES} lines and 16 MiB. Each line is accepted or refused on its own, exactly as ` +
      'POST /v1/messages would answer it; the answer, one line per input line in order, starts once every accepted message is on disk. ' +
      'A body that is not NDJSON at all (no line parses), holds no line or too many, or is too large, is refused whole.',
  })
  @ApiConsumes('application/x-ndjson')
  @ApiBody({ required: true, schema: ndjsonOf(cmfSchema(CMF_MESSAGE_SCHEMA_NAME), 'One CMF/1 message a line') })
  @ApiResponse({
    status: 200,
    description: 'One outcome a line, in the order of the input lines',
    content: { 'application/x-ndjson': { schema: ndjsonOf(BATCH_LINE_OUTCOME_SCHEMA, 'One outcome a line') } },
  })
  @ApiRefusals(['invalid_json', 'payload_too_large', 'unsupported_media_type', 'audit_unavailable'])
  async submitBatch(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Actor() actor: RequestActor,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (typeof body !== 'string') throw new UnsupportedMediaType(contentType, 'application/x-ndjson');
    const lines = ndjsonLines(body);
    const parsed = lines.filter((line): line is { line: number; value: unknown } => !('error' in line));
    const submitted = await this.submitMessage.submitMany(
      parsed.map((line) => line.value),
      actor.party,
    );
    const byLine = new Map(parsed.map((line, index) => [line.line, submitted[index]]));
    const outcomes = lines.map((line): BatchLineOutcome => {
      const outcome = 'error' in line ? { refusal: line.error } : byLine.get(line.line)!;
      this.metrics.observeSubmission('batch', actor.party, outcome);
      if ('receipt' in outcome) return { line: line.line, status: outcome.firstReceipt ? 201 : 200, receipt: outcome.receipt };
      const { status, body: errorBody } = toErrorResponse(outcome.refusal);
      return { line: line.line, status, error: errorBody };
    });
    const accepted = outcomes.flatMap((outcome) => (outcome.receipt ? [{ caseId: outcome.receipt.caseId, messageIds: [outcome.receipt.messageId] }] : []));
    if (accepted.length > 0) await this.audit.record(actor, { operation: 'collect', cases: accepted });
    await reply
      .status(200)
      .header('content-type', 'application/x-ndjson')
      .send(outcomes.map((outcome) => JSON.stringify(outcome)).join('\n') + '\n');
  }
}
