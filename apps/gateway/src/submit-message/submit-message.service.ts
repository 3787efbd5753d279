import { Inject, Injectable } from '@nestjs/common';
import { CmfMessage, validateCmfMessage } from '@cmx/contracts';
import {
  assertSenderIsCaller,
  CaseEvent,
  CaseMessageData,
  CaseState,
  caseStreamName,
  decide,
  evolve,
  initialCaseState,
  MessageIdReused,
  MessageErased,
} from '@cmx/case-domain';
import { InvalidMessage } from '@cmx/errors';
import { EVENT_STORE, EventStore, JsonObject, StoredEvent } from '@cmx/event-store';
import { PARTY_DIRECTORY, PartyDirectory } from '@cmx/parties';
import { hasErasedValues, KeysErased, PERSONAL_DATA_VAULT, PersonalDataVault } from '@cmx/personal-data';
import { CLOCK, Clock } from '@cmx/platform';
import { CaseStateCache } from './case-state-cache';
import { CaseWriteQueue } from './case-write-queue';
import { Receipt, receiptOf } from './receipt';
import { sameContent } from './same-content';

export interface SubmitOutcome {
  readonly receipt: Receipt;
  /** false for an idempotent repeat of an already stored message. */
  readonly firstReceipt: boolean;
}

/** A message of submitMany() that was refused: what submit() would have thrown. */
export interface SubmitRefusal {
  readonly refusal: unknown;
}

/** Another process may append to the same case between our read and our append; each conflict re-reads and decides again. */
const MAX_DECIDE_ATTEMPTS = 5;

@Injectable()
export class SubmitMessageService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PARTY_DIRECTORY) private readonly directory: PartyDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
    private readonly caseStates: CaseStateCache,
    private readonly perCase: CaseWriteQueue,
  ) {}

  async submit(input: unknown, caller: string): Promise<SubmitOutcome> {
    const receivedAt = this.clock.now();
    const message = this.validated(input, caller, receivedAt);
    return this.perCase.run(message.header.caseId, () => this.decideAndAppend(message, caller, receivedAt));
  }

  /**
   * Messages that arrive together (a batch, a stream's frames): validated in one pass, and each case's in order
   * decided on one read of the case and appended in one append, so that they share one commit. Each message is
   * accepted or refused on its own, with the same outcome as submit() would give it; a case whose messages do not
   * all decide cleanly on its state (a refusal, a repeat, a conflict) is submitted message by message instead.
   */
  submitMany(inputs: readonly unknown[], caller: string): Promise<Array<SubmitOutcome | SubmitRefusal>> {
    const receivedAt = this.clock.now();
    const outcomes: Array<Promise<SubmitOutcome | SubmitRefusal>> = new Array(inputs.length);
    const byCase = new Map<string, Array<{ index: number; message: CmfMessage }>>();
    inputs.forEach((input, index) => {
      try {
        const message = this.validated(input, caller, receivedAt);
        const group = byCase.get(message.header.caseId) ?? [];
        if (group.length === 0) byCase.set(message.header.caseId, group);
        group.push({ index, message });
      } catch (refusal) {
        outcomes[index] = Promise.resolve({ refusal });
      }
    });
    for (const [caseId, group] of byCase) {
      const settled = this.perCase.run(caseId, () =>
        this.decideCaseTogether(
          caseId,
          group.map((item) => item.message),
          caller,
          receivedAt,
        ),
      );
      group.forEach((item, position) => (outcomes[item.index] = settled.then((results) => results[position])));
    }
    return Promise.all(outcomes);
  }

  private validated(input: unknown, caller: string, receivedAt: Date): CmfMessage {
    const validation = validateCmfMessage(input, { now: receivedAt });
    if (!validation.ok) throw new InvalidMessage(validation.violations);
    assertSenderIsCaller(validation.message, caller);
    return validation.message;
  }

  private async decideCaseTogether(
    caseId: string,
    messages: readonly CmfMessage[],
    caller: string,
    receivedAt: Date,
  ): Promise<Array<SubmitOutcome | SubmitRefusal>> {
    const oneByOne = async () => {
      const results: Array<SubmitOutcome | SubmitRefusal> = [];
      for (const message of messages) results.push(await this.decideAndAppend(message, caller, receivedAt).catch((refusal: unknown) => ({ refusal })));
      return results;
    };
    if (messages.length === 1 || new Set(messages.map((message) => message.header.messageId.toLowerCase())).size < messages.length) return oneByOne();
    const before = await this.currentState(messages[0], 1);
    let state = before;
    const decided: Array<{ event: CaseEvent; messageId: string }> = [];
    for (const message of messages) {
      try {
        const events = decide({ message, caller, receivedAt, directory: this.directory }, state);
        if (events.length !== 1) return oneByOne();
        state = evolve(state, events[0]);
        decided.push({ event: events[0], messageId: message.header.messageId.toLowerCase() });
      } catch {
        return oneByOne();
      }
    }
    let sealed: CaseMessageData[];
    try {
      const owner = before.owner ?? caller;
      sealed = await Promise.all(decided.map(({ event }) => this.vault.seal(event.data, owner)));
    } catch {
      this.caseStates.forget(caseId);
      return oneByOne();
    }
    const result = await this.store
      .append(
        caseStreamName(caseId),
        decided.map(({ event, messageId }, index) => ({
          id: messageId,
          type: event.type,
          data: sealed[index] as unknown as JsonObject,
          metadata: event.metadata as unknown as JsonObject,
        })),
        before.version,
      )
      .catch(() => undefined);
    if (result?.outcome !== 'appended') {
      this.caseStates.forget(caseId);
      return oneByOne();
    }
    this.caseStates.remember(caseId, state);
    return result.events.map((event) => ({ receipt: receiptOf(event), firstReceipt: true }));
  }

  private async decideAndAppend(message: CmfMessage, caller: string, receivedAt: Date): Promise<SubmitOutcome> {
    const messageId = message.header.messageId.toLowerCase();
    const { caseId } = message.header;
    for (let attempt = 1; ; attempt++) {
      const decidedOnCache = this.caseStates.cached(caseId) !== undefined;
      const state = await this.currentState(message, attempt);
      let events: CaseEvent[];
      try {
        events = decide({ message, caller, receivedAt, directory: this.directory }, state);
      } catch (refusal) {
        // A refused message may be the repeat of one stored earlier: that answers with its first receipt.
        const earlier = await this.store.findEvent(messageId);
        if (earlier) return this.repeatOf(earlier, message);
        // Another gateway may have moved the case on since this one cached it (a new participant, a new person): decide once more on the case as stored.
        if (decidedOnCache && attempt < MAX_DECIDE_ATTEMPTS) {
          this.caseStates.forget(caseId);
          continue;
        }
        throw refusal;
      }
      const owner = state.owner ?? caller;
      let sealed: CaseMessageData[];
      try {
        sealed = await Promise.all(events.map((event) => this.vault.seal(event.data, owner)));
      } catch (error) {
        // Another gateway erased a person of the case since this one read it: decide again on the case as it is.
        if (!(error instanceof KeysErased)) throw error;
        this.caseStates.forget(caseId);
        if (attempt >= MAX_DECIDE_ATTEMPTS) throw error;
        continue;
      }
      const result = await this.store.append(
        caseStreamName(caseId),
        events.map((event, index) => ({
          id: messageId,
          type: event.type,
          data: sealed[index] as unknown as JsonObject,
          metadata: event.metadata as unknown as JsonObject,
        })),
        state.version,
      );
      switch (result.outcome) {
        case 'appended':
          this.caseStates.remember(caseId, events.reduce(evolve, state));
          return { receipt: receiptOf(result.events[0]), firstReceipt: true };
        case 'duplicate':
          return this.repeatOf(result.existing, message);
        case 'version_conflict':
          this.caseStates.forget(caseId);
          if (attempt >= MAX_DECIDE_ATTEMPTS) throw new Error(`case ${caseId}: still conflicting after ${attempt} attempts`);
      }
    }
  }

  /**
   * The case's state to decide on. A case.opened for a case this gateway does not hold is first decided as
   * absent without a read: the append's expected version 0 is the check, and a conflict reads the case.
   */
  private currentState(message: CmfMessage, attempt: number): Promise<CaseState> | CaseState {
    const { caseId, type } = message.header;
    if (type === 'case.opened' && attempt === 1) return this.caseStates.cached(caseId) ?? initialCaseState;
    return this.caseStates.load(caseId);
  }

  /** Stored content is compared opened; a message whose persons were erased since cannot be compared, and is never accepted again. */
  private async repeatOf(earlier: StoredEvent, message: CmfMessage): Promise<SubmitOutcome> {
    const [opened] = await this.vault.openEvents([earlier], 'everything');
    if (!sameContent((opened.data as unknown as CaseMessageData).message, message)) {
      if (hasErasedValues((opened.data as unknown as CaseMessageData).message.body)) throw new MessageErased(earlier.id);
      throw new MessageIdReused(earlier.id);
    }
    return { receipt: receiptOf(earlier), firstReceipt: false };
  }
}
