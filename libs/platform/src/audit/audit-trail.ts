import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditChannel, AuditOperation, AuditRecord, AuditRecorder, TouchedCase } from '@cmx/audit';
import { errorMessage } from '../logging/logged-error';
import type { RequestActor } from './request-actor';

export const AUDIT_RECORDER = Symbol('AUDIT_RECORDER');

export interface AuditedOperation {
  readonly operation: AuditOperation;
  readonly cases: readonly TouchedCase[];
  readonly channel?: AuditChannel;
  readonly recipients?: readonly string[];
}

/**
 * What a request did, as an entry of the audit log, durable before the
 * request is answered: a read awaits record() and serves nothing when it
 * throws (AuditUnavailable, 503). Null recorder: AUDIT_LOG=off.
 */
@Injectable()
export class AuditTrail {
  private readonly logger = new Logger(AuditTrail.name);

  constructor(@Inject(AUDIT_RECORDER) private readonly recorder: AuditRecorder | null) {}

  get enabled(): boolean {
    return this.recorder !== null;
  }

  async record(actor: RequestActor, ...operations: AuditedOperation[]): Promise<void> {
    if (!this.recorder) return;
    const records = operations.map((operation) => recordOf(actor, operation));
    try {
      await this.recorder.record(...records);
    } catch (error) {
      this.logger.error(`audit entry of request ${actor.requestId} not written: ${errorMessage((error as { cause?: Error }).cause ?? error)}`);
      throw error;
    }
  }
}

export const recordOf = (actor: RequestActor, operation: AuditedOperation): AuditRecord => ({
  operation: operation.operation,
  party: actor.party,
  keyId: actor.keyId,
  onBehalfOf: actor.onBehalfOf,
  purpose: actor.purpose,
  channel: operation.channel ?? 'http',
  cases: operation.cases,
  recipients: operation.recipients ?? [],
  requestId: actor.requestId,
});
