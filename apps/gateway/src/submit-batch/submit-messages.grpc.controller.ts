import { Controller } from '@nestjs/common';
import { GrpcStreamCall } from '@nestjs/microservices';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { MAX_MESSAGE_BYTES } from '@cmx/contracts';
import { InvalidFrame, InvalidJson, PayloadTooLarge } from '@cmx/errors';
import { actorOfCall, AuditTrail, Authenticator, ExchangeMetrics, GRPC_SERVICE, grpcCallError, GrpcStatus, grpcStatusOf, RequestActor } from '@cmx/platform';
import { Receipt } from '../submit-message/receipt';
import { SubmitMessageService, SubmitOutcome, SubmitRefusal } from '../submit-message/submit-message.service';

interface SubmitMessageEntry {
  readonly correlationId: string;
  readonly cmfJson: Buffer;
}

interface SubmitMessageRequest extends SubmitMessageEntry {
  readonly entries: readonly SubmitMessageEntry[];
}

type SubmitMessageResponse = { correlationId: string; httpStatus: number } & ({ receipt: GrpcReceipt } | { error: GrpcStatus });
type GrpcReceipt = Omit<Receipt, 'caseVersion'> & { caseVersion: string };
type SubmitMessagesCall = ServerDuplexStream<SubmitMessageRequest, SubmitMessageResponse>;

export const MAX_ENTRIES_PER_FRAME = 500;
/** Messages submitted together at most. */
const MAX_CHUNK = 500;
/** Messages received and not yet answered: beyond, the call stops reading until answers have gone out. */
const MAX_IN_FLIGHT = 4_000;

/**
 * cmx.v1.CaseExchangeService/SubmitMessages: one response per message, in order. The frames that arrive while
 * the previous ones are decided are submitted together (SubmitMessageService.submitMany: one validation pass,
 * one decide and one append per case, the store's group commit), and their receipts are sent once the commit
 * and the `collect` audit entry are durable. A refused message is an in-band error; authentication, a
 * malformed frame or a failure of the exchange end the call.
 */
@Controller()
export class SubmitMessagesGrpcController {
  constructor(
    private readonly submitMessage: SubmitMessageService,
    private readonly audit: AuditTrail,
    private readonly authenticator: Authenticator,
    private readonly metrics: ExchangeMetrics,
  ) {}

  @GrpcStreamCall(GRPC_SERVICE, 'SubmitMessages')
  submitMessages(call: SubmitMessagesCall): Promise<void> {
    let actor: RequestActor;
    try {
      actor = actorOfCall(this.authenticator, call.metadata);
    } catch (error) {
      call.emit('error', grpcCallError(error));
      return Promise.resolve();
    }
    return new SubmitMessagesStream(call, actor, this.submitMessage, this.audit, this.metrics).run();
  }
}

class SubmitMessagesStream {
  private pending: SubmitMessageEntry[] = [];
  private inFlight = 0;
  private paused = false;
  private flushScheduled = false;
  private failed = false;
  private answered: Promise<void> = Promise.resolve();

  constructor(
    private readonly call: SubmitMessagesCall,
    private readonly actor: RequestActor,
    private readonly submitMessage: SubmitMessageService,
    private readonly audit: AuditTrail,
    private readonly metrics: ExchangeMetrics,
  ) {}

  run(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.call.on('data', (request: SubmitMessageRequest) => this.receive(request));
      this.call.on('end', () => {
        this.flush();
        void this.answered.then(() => {
          if (!this.failed) this.call.end();
          resolve();
        });
      });
      this.call.on('cancelled', () => {
        this.failed = true;
        resolve();
      });
      this.call.on('error', () => {
        this.failed = true;
        resolve();
      });
    });
  }

  private receive(request: SubmitMessageRequest): void {
    if (this.failed) return;
    const entries = request.entries.length > 0 ? request.entries : [request];
    if (request.entries.length > 0 && (request.cmfJson.length > 0 || request.correlationId !== '')) {
      return this.fail(new InvalidFrame('give either correlation_id and cmf_json, or entries'));
    }
    if (entries.length > MAX_ENTRIES_PER_FRAME) return this.fail(new InvalidFrame(`a frame holds at most ${MAX_ENTRIES_PER_FRAME} entries`));
    this.pending.push(...entries);
    this.inFlight += entries.length;
    if (this.inFlight >= MAX_IN_FLIGHT && !this.paused) {
      this.paused = true;
      this.call.pause();
    }
    if (this.pending.length >= MAX_CHUNK) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
  }

  /** Submits what has arrived now, so that each case's messages are decided in the order sent; answers in that order too. */
  private flush(): void {
    while (this.pending.length > 0 && !this.failed) {
      const chunk = this.pending.splice(0, MAX_CHUNK);
      const parsed = chunk.map(parseEntry);
      const valid = parsed.filter((entry): entry is { value: unknown } => 'value' in entry);
      const submitted = this.submitMessage.submitMany(
        valid.map((entry) => entry.value),
        this.actor.party,
      );
      const responses = submitted.then(async (outcomes) => {
        const byEntry = new Map(valid.map((entry, index) => [entry, outcomes[index]]));
        const answers = parsed.map((entry) => ('value' in entry ? byEntry.get(entry)! : entry));
        answers.forEach((answer) => this.metrics.observeSubmission('grpc', this.actor.party, answer));
        const accepted = answers.flatMap((answer) => ('receipt' in answer ? [{ caseId: answer.receipt.caseId, messageIds: [answer.receipt.messageId] }] : []));
        if (accepted.length > 0) await this.audit.record(this.actor, { operation: 'collect', channel: 'grpc', cases: accepted });
        return answers.map((answer, index) => responseOf(chunk[index].correlationId, answer));
      });
      // Awaited in turn below; a failure meanwhile must not count as unhandled.
      responses.catch(() => undefined);
      this.answered = this.answered.then(async () => {
        if (this.failed) return;
        try {
          for (const response of await responses) {
            if (this.failed) return;
            if (!this.call.write(response)) await new Promise((resolve) => this.call.once('drain', resolve));
          }
          this.inFlight -= chunk.length;
          if (this.paused && this.inFlight < MAX_IN_FLIGHT / 2) {
            this.paused = false;
            this.call.resume();
          }
        } catch (error) {
          this.fail(error);
        }
      });
    }
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.call.emit('error', grpcCallError(error));
  }
}

function parseEntry(entry: SubmitMessageEntry): { value: unknown } | SubmitRefusal {
  if (entry.cmfJson.length > MAX_MESSAGE_BYTES) return { refusal: new PayloadTooLarge(MAX_MESSAGE_BYTES) };
  try {
    return { value: JSON.parse(entry.cmfJson.toString('utf8')) };
  } catch (error) {
    return { refusal: new InvalidJson((error as Error).message) };
  }
}

function responseOf(correlationId: string, outcome: SubmitOutcome | SubmitRefusal): SubmitMessageResponse {
  if ('receipt' in outcome) {
    return { correlationId, httpStatus: outcome.firstReceipt ? 201 : 200, receipt: { ...outcome.receipt, caseVersion: String(outcome.receipt.caseVersion) } };
  }
  const { status, httpStatus } = grpcStatusOf(outcome.refusal);
  return { correlationId, httpStatus, error: status };
}
