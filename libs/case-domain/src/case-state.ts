import { CASE_REPORT_MESSAGE_TYPES, type CaseReport, type CmfMessage, type InterceptionReportedBody } from '@cmx/contracts';
import type { AnyCaseEvent, CaseProtectionEvent } from './case-events';
import { CaseFacets, facetsOfMessage, mergeFacets, NO_FACETS } from './case-facets';

export type CaseStatus = 'absent' | 'open' | 'closed';

export interface CaseState {
  readonly status: CaseStatus;
  /** The number of messages the case holds. */
  readonly version: number;
  readonly owner?: string;
  /** Parties entitled to at least one message of the case: they may write to it and read it. */
  readonly participants: ReadonlySet<string>;
  readonly personRefs: ReadonlySet<string>;
  /** messageIds of the case's information.requested messages. */
  readonly informationRequests: ReadonlySet<string>;
  readonly facets: CaseFacets;
  /** The person each document was last said to be held by, by document ref. */
  readonly documentHolders: ReadonlyMap<string, string>;
  readonly erased: ReadonlySet<string>;
  readonly restricted: ReadonlySet<string>;
  readonly wholeCaseErased: boolean;
}

export const initialCaseState: CaseState = {
  status: 'absent',
  version: 0,
  participants: new Set(),
  personRefs: new Set(),
  informationRequests: new Set(),
  facets: NO_FACETS,
  documentHolders: new Map(),
  erased: new Set(),
  restricted: new Set(),
  wholeCaseErased: false,
};

export function evolve(state: CaseState, event: AnyCaseEvent): CaseState {
  if (isProtectionEvent(event)) return evolveProtection(state, event);
  const { message, entitledParties } = event.data;
  const next: CaseState = {
    ...state,
    version: state.version + 1,
    participants: union(state.participants, entitledParties),
    facets: event.data.caseFacets ?? facetsAfter(state, message),
    documentHolders: withHolders(state.documentHolders, message),
  };
  switch (event.type) {
    case 'CaseOpened':
      return { ...next, status: 'open', owner: message.header.sender, personRefs: union(next.personRefs, definedPersonRefs(message)) };
    case 'CaseUpdated':
    case 'InformationProvided':
      return { ...next, personRefs: union(next.personRefs, definedPersonRefs(message)) };
    case 'InformationRequested':
      return { ...next, informationRequests: union(next.informationRequests, [message.header.messageId.toLowerCase()]) };
    case 'CaseClosed':
      return { ...next, status: 'closed' };
    case 'CaseLinked':
    case 'CaseAssigned':
    case 'InterceptionReported':
      return next;
  }
}

const isProtectionEvent = (event: AnyCaseEvent): event is CaseProtectionEvent =>
  event.type === 'CaseErased' || event.type === 'CaseRestricted' || event.type === 'CaseRestrictionLifted';

function evolveProtection(state: CaseState, { type, data }: CaseProtectionEvent): CaseState {
  const refs = data.wholeCase ? [...state.personRefs] : (data.personRefs ?? []);
  const next = { ...state, version: state.version + 1 };
  switch (type) {
    case 'CaseErased':
      return {
        ...next,
        erased: union(state.erased, refs),
        restricted: without(state.restricted, refs),
        wholeCaseErased: state.wholeCaseErased || data.wholeCase === true,
      };
    case 'CaseRestricted':
      return { ...next, restricted: union(state.restricted, refs) };
    case 'CaseRestrictionLifted':
      return { ...next, restricted: without(state.restricted, refs) };
  }
}

/** Documents of this message without a holderRef whose holder an earlier message named: sealing puts them under that person's key. */
export function carriedHolders(state: CaseState, message: CmfMessage): Record<string, string> {
  const holders: Record<string, string> = {};
  if (!isCaseReportMessage(message)) return holders;
  for (const document of message.body.documents ?? []) {
    const holder = state.documentHolders.get(document.ref);
    if (document.holderRef === undefined && holder !== undefined) holders[document.ref] = holder;
  }
  return holders;
}

function withHolders(holders: ReadonlyMap<string, string>, message: CmfMessage): ReadonlyMap<string, string> {
  if (!isCaseReportMessage(message) || !message.body.documents?.some((document) => document.holderRef !== undefined)) return holders;
  const next = new Map(holders);
  for (const document of message.body.documents) if (document.holderRef !== undefined) next.set(document.ref, document.holderRef);
  return next;
}

/** The persons whose data this message holds. */
export function personsOfMessage(state: Pick<CaseState, 'documentHolders'>, message: CmfMessage): Set<string> {
  const persons = new Set([...definedPersonRefs(message), ...personReferences(message).map(({ ref }) => ref)]);
  if (isCaseReportMessage(message)) {
    for (const document of message.body.documents ?? []) {
      const holder = state.documentHolders.get(document.ref);
      if (holder !== undefined) persons.add(holder);
    }
  }
  return persons;
}

/**
 * What an erasure or restriction concerns in a case's history: the messages holding data of the persons
 * (defining them, a document they hold, a payment or an arrest naming them), or every message for the
 * whole case, and the parties entitled to any of them.
 */
export function concernedMessages(
  history: readonly AnyCaseEvent[],
  refs: readonly string[] | 'wholeCase',
): { messageIds: string[]; entitledParties: string[] } {
  const messageIds: string[] = [];
  const parties = new Set<string>();
  let state: Pick<CaseState, 'documentHolders'> = initialCaseState;
  for (const event of history) {
    if (isProtectionEvent(event)) continue;
    const { message, entitledParties } = event.data;
    const persons = personsOfMessage(state, message);
    if (refs === 'wholeCase' || refs.some((ref) => persons.has(ref))) {
      messageIds.push(event.metadata.messageId);
      entitledParties.forEach((party) => parties.add(party));
    }
    state = { documentHolders: withHolders(state.documentHolders, message) };
  }
  return { messageIds, entitledParties: [...parties].sort() };
}

/** The case's facets once this message is added to it. */
export const facetsAfter = (state: CaseState, message: CmfMessage): CaseFacets => mergeFacets(state.facets, facetsOfMessage(message));

export const isCaseReportMessage = (message: CmfMessage): message is CmfMessage & { body: CaseReport } =>
  CASE_REPORT_MESSAGE_TYPES.includes(message.header.type);

export function definedPersonRefs(message: CmfMessage): string[] {
  if (!isCaseReportMessage(message)) return [];
  return (message.body.persons ?? []).map((person) => person.ref);
}

/** Every place a message points at a person of the case, with its path. */
export function personReferences(message: CmfMessage): { path: string; ref: string }[] {
  const references: { path: string; ref: string }[] = [];
  if (isCaseReportMessage(message)) {
    (message.body.documents ?? []).forEach((document, index) => {
      if (document.holderRef !== undefined) references.push({ path: `body.documents[${index}].holderRef`, ref: document.holderRef });
    });
    (message.body.payments ?? []).forEach((payment, index) => {
      if (payment.payerRef !== undefined) references.push({ path: `body.payments[${index}].payerRef`, ref: payment.payerRef });
      if (payment.payeeRef !== undefined) references.push({ path: `body.payments[${index}].payeeRef`, ref: payment.payeeRef });
    });
  } else if (message.header.type === 'interception.reported') {
    const body = message.body as InterceptionReportedBody;
    (body.arrestedPersonIds ?? []).forEach((ref, index) => references.push({ path: `body.arrestedPersonIds[${index}]`, ref }));
  }
  return references;
}

function without<T>(set: ReadonlySet<T>, values: Iterable<T>): ReadonlySet<T> {
  const result = new Set(set);
  for (const value of values) result.delete(value);
  return result.size === set.size ? set : result;
}

function union<T>(set: ReadonlySet<T>, values: Iterable<T>): ReadonlySet<T> {
  const result = new Set(set);
  for (const value of values) result.add(value);
  return result.size === set.size ? set : result;
}
