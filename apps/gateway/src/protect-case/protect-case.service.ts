import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AnyCaseEvent, caseStreamName, decideProtection, evolve, initialCaseState } from '@cmx/case-domain';
import { EVENT_STORE, EventStore, JsonObject } from '@cmx/event-store';
import { PARTY_DIRECTORY, PartyDirectory } from '@cmx/parties';
import { PERSONAL_DATA_VAULT, PersonalDataVault } from '@cmx/personal-data';
import { AuditTrail, CLOCK, Clock, errorMessage, RequestActor } from '@cmx/platform';
import { CaseStateCache } from '../submit-message/case-state-cache';
import { CaseWriteQueue } from '../submit-message/case-write-queue';
import { Receipt, receiptOf } from '../submit-message/receipt';
import type { ErasureRequest } from './parse-erasure-request';

const MAX_DECIDE_ATTEMPTS = 5;

/**
 * An erasure, a restriction or its lifting: decided on the case's whole stream
 * (which messages hold the persons' data, who was entitled to them), logged,
 * appended as an event of the case, and then applied to the keys. A crash
 * between the append and the keys leaves the event to the projector and the
 * dispatcher, which apply it again when they meet it.
 */
@Injectable()
export class ProtectCaseService {
  private readonly logger = new Logger(ProtectCaseService.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PARTY_DIRECTORY) private readonly directory: PartyDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
    private readonly caseStates: CaseStateCache,
    private readonly perCase: CaseWriteQueue,
    private readonly audit: AuditTrail,
  ) {}

  protect(caseId: string, request: ErasureRequest, actor: RequestActor): Promise<Receipt> {
    const eventId = randomUUID();
    let logged = false;
    return this.perCase.run(caseId, async () => {
      for (let attempt = 1; ; attempt++) {
        const history = (await this.store.readStream(caseStreamName(caseId))) as unknown as AnyCaseEvent[];
        const state = history.reduce(evolve, initialCaseState);
        const event = decideProtection(
          {
            caseId,
            eventId,
            kind: request.kind,
            target: request.target,
            reason: request.reason,
            legalBasis: request.legalBasis,
            expectedCaseVersion: request.expectedCaseVersion,
            caller: actor.party,
            callerIsAdmin: this.directory.admins.has(actor.party),
            receivedAt: this.clock.now(),
          },
          state,
          history,
        );
        if (!logged) {
          // Before the change, as for admin changes: an erasure never happens without its entry.
          await this.audit.record(actor, {
            operation: request.kind === 'erase' ? 'erase' : 'alter',
            cases: [{ caseId, messageIds: [eventId, ...event.data.messageIds] }],
          });
          logged = true;
        }
        const result = await this.store.append(
          caseStreamName(caseId),
          [{ id: eventId, type: event.type, data: event.data as unknown as JsonObject, metadata: event.metadata as unknown as JsonObject }],
          state.version,
        );
        if (result.outcome === 'appended') {
          this.caseStates.forget(caseId);
          // The erasure is stored: if the keys cannot be changed now, the projector and the dispatcher change them when they meet it.
          await this.vault
            .applyProtection(result.events[0])
            .catch((error: unknown) => this.logger.error(`case ${caseId}: ${event.type} stored, keys not yet changed: ${errorMessage(error)}`));
          return receiptOf(result.events[0]);
        }
        if (result.outcome === 'duplicate' || attempt >= MAX_DECIDE_ATTEMPTS)
          throw new Error(`case ${caseId}: the erasure could not be appended (${result.outcome})`);
      }
    });
  }
}
