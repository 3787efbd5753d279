import type { CaseAssignedBody, CmfMessage, InformationRequestedBody } from '@cmx/contracts';
import type { FieldViolation } from '@cmx/errors';
import {
  CaseAlreadyExists,
  CaseErasedWhole,
  CaseIsClosed,
  CaseNotFound,
  CaseVersionMismatch,
  NotCaseOwner,
  NotEntitledToCase,
  PersonErased,
  ProtectionUnchanged,
  SenderIsNotCaller,
  UnknownPersonRef,
  UnknownReference,
} from './case-errors';
import { AnyCaseEvent, CASE_EVENT_TYPE_BY_MESSAGE_TYPE, CaseEvent, CaseProtectionEvent, PROTECTION_EVENT_TYPE_BY_KIND, ProtectionKind } from './case-events';
import { carriedHolders, CaseState, concernedMessages, definedPersonRefs, facetsAfter, personReferences } from './case-state';
import type { ExchangeDirectory } from './exchange-directory';
import { resolveDistribution, unknownAt } from './resolve-distribution';

export interface SubmitCaseMessage {
  /** A message that passed CMF/1 validation. */
  readonly message: CmfMessage;
  /** The authenticated party. */
  readonly caller: string;
  readonly receivedAt: Date;
  readonly directory: ExchangeDirectory;
}

export function assertSenderIsCaller(message: CmfMessage, caller: string): void {
  if (message.header.sender !== caller) throw new SenderIsNotCaller(message.header.sender, caller);
}

/** The events one accepted message adds to its case, or the rule it breaks. */
export function decide(command: SubmitCaseMessage, state: CaseState): CaseEvent[] {
  const { message, caller, directory } = command;
  const { header } = message;
  assertSenderIsCaller(message, caller);

  if (header.type === 'case.opened') {
    if (state.status !== 'absent') throw new CaseAlreadyExists(header.caseId);
  } else {
    if (state.status === 'absent') throw new CaseNotFound(header.caseId);
    if (state.owner !== caller && !state.participants.has(caller)) throw new NotEntitledToCase(header.caseId);
  }
  if (header.expectedCaseVersion !== undefined && header.expectedCaseVersion !== state.version) {
    throw new CaseVersionMismatch(header.caseId, header.expectedCaseVersion, state.version);
  }
  if (state.wholeCaseErased) throw new CaseErasedWhole(header.caseId);
  if (state.status === 'closed') throw new CaseIsClosed(header.caseId);

  assertNamesAreKnown(message, state, directory);
  assertPersonRefsResolve(message, state);
  assertNoErasedPerson(message, state);
  const entitledParties = resolveDistribution(header.distribution, caller, directory);
  const documentHolders = carriedHolders(state, message);

  return [
    {
      type: CASE_EVENT_TYPE_BY_MESSAGE_TYPE[header.type],
      data: {
        message,
        receivedAt: command.receivedAt.toISOString(),
        entitledParties,
        caseFacets: facetsAfter(state, message),
        ...(Object.keys(documentHolders).length > 0 ? { documentHolders } : {}),
      },
      metadata: {
        messageId: header.messageId.toLowerCase(),
        caseId: header.caseId,
        sender: caller,
      },
    },
  ];
}

function assertNamesAreKnown(message: CmfMessage, state: CaseState, directory: ExchangeDirectory): void {
  const unknown: FieldViolation[] = [];
  switch (message.header.type) {
    case 'case.assigned': {
      const body = message.body as CaseAssignedBody;
      if (body.operationId !== undefined && !directory.operationMembers(body.operationId)) {
        unknown.push(unknownAt('body.operationId', 'unknown_operation', body.operationId));
      }
      if (body.taskForceId !== undefined && !directory.taskForceMembers(body.taskForceId)) {
        unknown.push(unknownAt('body.taskForceId', 'unknown_task_force', body.taskForceId));
      }
      break;
    }
    case 'information.requested':
      (message.body as InformationRequestedBody).to.forEach((party, index) => {
        if (!directory.hasParty(party)) unknown.push(unknownAt(`body.to[${index}]`, 'unknown_party', party));
      });
      break;
    case 'information.provided': {
      const request = message.header.inReplyTo;
      if (request && !state.informationRequests.has(request.toLowerCase())) {
        unknown.push({
          path: 'header.inReplyTo',
          rule: 'unknown_request',
          message: `${request} is not an information.requested message of case ${message.header.caseId}`,
        });
      }
      break;
    }
    default:
      break;
  }
  if (unknown.length > 0) throw new UnknownReference(unknown);
}

function assertPersonRefsResolve(message: CmfMessage, state: CaseState): void {
  const references = personReferences(message);
  if (references.length === 0) return;
  const inMessage = new Set(definedPersonRefs(message));
  const dangling = references
    .filter(({ ref }) => !inMessage.has(ref) && !state.personRefs.has(ref))
    .map(({ path, ref }) => ({ path, rule: 'person_ref', message: `no person with ref ${ref} in this case` }));
  if (dangling.length > 0) throw new UnknownPersonRef(dangling);
}

function assertNoErasedPerson(message: CmfMessage, state: CaseState): void {
  if (state.erased.size === 0) return;
  const named = [
    ...definedPersonRefs(message).map((ref, index) => ({ path: `body.persons[${index}].ref`, ref })),
    ...personReferences(message),
    ...heldDocumentsOf(message, state),
  ];
  const erased = named
    .filter(({ ref }) => state.erased.has(ref))
    .map(({ path }) => ({ path, rule: 'person_erased', message: 'this person was erased from the case' }));
  if (erased.length > 0) throw new PersonErased(erased);
}

/** This message's documents without a holderRef that an earlier message said a person holds: they name that person too. */
function heldDocumentsOf(message: CmfMessage, state: CaseState): { path: string; ref: string }[] {
  const carried = carriedHolders(state, message);
  const documents = (message.body as { documents?: readonly { ref: string }[] }).documents ?? [];
  return documents.flatMap((document, index) => (carried[document.ref] ? [{ path: `body.documents[${index}]`, ref: carried[document.ref] }] : []));
}

/** POST /v1/cases/{caseId}/erasures, once its body is valid. */
export interface ProtectCase {
  readonly caseId: string;
  /** The id of the event to append (a new UUID). */
  readonly eventId: string;
  readonly kind: ProtectionKind;
  readonly target: { readonly personRefs: readonly string[] } | { readonly wholeCase: true };
  readonly reason: string;
  readonly legalBasis: string;
  readonly expectedCaseVersion?: number;
  readonly caller: string;
  readonly callerIsAdmin: boolean;
  readonly receivedAt: Date;
}

/**
 * The event an erasure, a restriction or its lifting adds to the case, or the rule it breaks. `history` is the
 * case's stream, from which the messages concerned and the parties entitled to them are found.
 */
export function decideProtection(command: ProtectCase, state: CaseState, history: readonly AnyCaseEvent[]): CaseProtectionEvent {
  const { caseId, caller, kind, target } = command;
  if (state.status === 'absent') throw new CaseNotFound(caseId);
  if (state.owner !== caller && !command.callerIsAdmin) {
    if (!state.participants.has(caller)) throw new CaseNotFound(caseId);
    throw new NotCaseOwner(caseId);
  }
  if (command.expectedCaseVersion !== undefined && command.expectedCaseVersion !== state.version) {
    throw new CaseVersionMismatch(caseId, command.expectedCaseVersion, state.version);
  }
  if (state.wholeCaseErased) throw new CaseErasedWhole(caseId);
  const refs = 'wholeCase' in target ? [...state.personRefs] : [...target.personRefs];
  if ('personRefs' in target) assertProtectable(target.personRefs, kind, state);
  else if (kind === 'lift' && state.restricted.size === 0) {
    throw new ProtectionUnchanged([{ path: 'wholeCase', rule: 'not_restricted', message: 'no person of the case is restricted' }]);
  }
  const concerned = concernedMessages(history, 'wholeCase' in target ? 'wholeCase' : refs);
  const entitledParties = [...new Set([...concerned.entitledParties, state.owner!, caller])].sort();
  return {
    type: PROTECTION_EVENT_TYPE_BY_KIND[kind],
    data: {
      ...('wholeCase' in target ? { wholeCase: true as const } : {}),
      personRefs: refs,
      reason: command.reason,
      legalBasis: command.legalBasis,
      requestedBy: caller,
      owner: state.owner!,
      receivedAt: command.receivedAt.toISOString(),
      messageIds: concerned.messageIds,
      entitledParties,
    },
    metadata: { messageId: command.eventId.toLowerCase(), caseId, sender: caller },
  };
}

function assertProtectable(personRefs: readonly string[], kind: ProtectionKind, state: CaseState): void {
  const violations: FieldViolation[] = [];
  const unknown: FieldViolation[] = [];
  personRefs.forEach((ref, index) => {
    const path = `personRefs[${index}]`;
    if (!state.personRefs.has(ref)) unknown.push({ path, rule: 'person_ref', message: `no person with ref ${ref} in this case` });
    else if (state.erased.has(ref)) violations.push({ path, rule: 'already_erased', message: `${ref} was erased already` });
    else if (kind === 'restrict' && state.restricted.has(ref)) violations.push({ path, rule: 'already_restricted', message: `${ref} is restricted already` });
    else if (kind === 'lift' && !state.restricted.has(ref)) violations.push({ path, rule: 'not_restricted', message: `${ref} is not restricted` });
  });
  if (unknown.length > 0) throw new UnknownPersonRef(unknown);
  if (violations.length > 0) throw new ProtectionUnchanged(violations);
}
