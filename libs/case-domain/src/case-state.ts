import { CASE_REPORT_MESSAGE_TYPES, type CaseReport, type CmfMessage, type InterceptionReportedBody } from '@cmx/contracts';
import type { CaseEvent } from './case-events';
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
}

export const initialCaseState: CaseState = {
  status: 'absent',
  version: 0,
  participants: new Set(),
  personRefs: new Set(),
  informationRequests: new Set(),
  facets: NO_FACETS,
};

export function evolve(state: CaseState, event: CaseEvent): CaseState {
  const { message, entitledParties } = event.data;
  const next: CaseState = {
    ...state,
    version: state.version + 1,
    participants: union(state.participants, entitledParties),
    facets: event.data.caseFacets ?? facetsAfter(state, message),
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

function union<T>(set: ReadonlySet<T>, values: Iterable<T>): ReadonlySet<T> {
  const result = new Set(set);
  for (const value of values) result.add(value);
  return result.size === set.size ? set : result;
}
