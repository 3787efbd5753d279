import { decide, evolve, initialCaseState, isEntitled, type CaseState, type ExchangeDirectory } from '@cmx/case-domain';
import { validateCmfMessage, type CmfHeader, type MessageBodyByType, type MessageType } from '@cmx/contracts';
import { exampleHeader, FIXTURE_CASE_ID, FIXTURE_NOW, fixtureMessageId } from '@cmx/contracts/testing';
import type { CaseSummaryEvent } from '../case-summary';

export const DIRECTORY: ExchangeDirectory = {
  hasParty: (code) => ['EUROPOL', 'FRONTEX', 'NCB-GR', 'NCB-IT'].includes(code),
  allPartyCodes: () => ['EUROPOL', 'FRONTEX', 'NCB-GR', 'NCB-IT'],
  operationMembers: (id) => ({ 'OP-HYDRA-2026': ['EUROPOL', 'NCB-IT'], 'OP-OTHER': ['NCB-GR', 'NCB-IT'] })[id],
  taskForceMembers: (id) => ({ 'OTF-CENTRAL-MED': ['FRONTEX', 'NCB-GR', 'NCB-IT'] })[id],
};

export const TO_HYDRA = { scope: 'operation', operations: ['OP-HYDRA-2026'] } as const;
export const TO_CENTRAL_MED = { scope: 'taskForce', taskForces: ['OTF-CENTRAL-MED'] } as const;
export const toRecipients = (...recipients: string[]) => ({ scope: 'recipients', recipients }) as const;

type HeaderChanges = Partial<Omit<CmfHeader, 'type'>> & { readonly receivedAt?: string };

/**
 * The events the exchange stores for the messages submitted: each message is a valid CMF/1 message
 * (validateCmfMessage) accepted by the domain's decide, with its entitlement resolved, its case version and a
 * position. Each message is received one minute after the previous one unless told otherwise.
 */
export class CaseHistory {
  readonly events: CaseSummaryEvent[] = [];
  private readonly cases = new Map<string, CaseState>();

  submit<Type extends MessageType>(type: Type, body: MessageBodyByType[Type], { receivedAt, ...header }: HeaderChanges = {}): CaseSummaryEvent {
    const number = this.events.length + 1;
    const caseId = header.caseId ?? FIXTURE_CASE_ID;
    const state = this.cases.get(caseId) ?? initialCaseState;
    const candidate = {
      header: { ...exampleHeader(type), messageId: fixtureMessageId(number), expectedCaseVersion: state.version, inReplyTo: null, ...header },
      body,
    };
    const validation = validateCmfMessage(structuredClone(candidate), { now: FIXTURE_NOW });
    if (!validation.ok) throw new Error(`not valid CMF/1: ${JSON.stringify(validation.violations)}`);
    const received = new Date(receivedAt ?? FIXTURE_NOW.getTime() + number * 60_000);
    const [event] = decide({ message: validation.message, caller: validation.message.header.sender, receivedAt: received, directory: DIRECTORY }, state);
    const next = evolve(state, event);
    this.cases.set(caseId, next);
    const stored: CaseSummaryEvent = { type: event.type, data: event.data, streamVersion: next.version, position: String(number) };
    this.events.push(stored);
    return stored;
  }

  /** The events `party` is entitled to, in store order: what a projector folds for that reader. */
  seenBy(party: string): CaseSummaryEvent[] {
    return this.events.filter((event) => isEntitled(event.data, party));
  }
}

/** One message to submit: its type, body and changes to the example header. */
export type Step = { readonly [Type in MessageType]: readonly [Type, MessageBodyByType[Type], HeaderChanges?] }[MessageType];

export const step = <Type extends MessageType>(type: Type, body: MessageBodyByType[Type], header?: HeaderChanges): Step =>
  [type, body, header] as unknown as Step;

/** given these messages, accepted in order. */
export function given(...steps: readonly Step[]): CaseHistory {
  const history = new CaseHistory();
  for (const [type, body, header] of steps) history.submit(type, body as never, header);
  return history;
}
