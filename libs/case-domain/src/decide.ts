import type { CaseAssignedBody, CmfMessage, InformationRequestedBody } from '@cmx/contracts';
import type { FieldViolation } from '@cmx/errors';
import {
  CaseAlreadyExists,
  CaseIsClosed,
  CaseNotFound,
  CaseVersionMismatch,
  NotEntitledToCase,
  SenderIsNotCaller,
  UnknownPersonRef,
  UnknownReference,
} from './case-errors';
import { CASE_EVENT_TYPE_BY_MESSAGE_TYPE, CaseEvent } from './case-events';
import { CaseState, definedPersonRefs, facetsAfter, personReferences } from './case-state';
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
  if (state.status === 'closed') throw new CaseIsClosed(header.caseId);

  assertNamesAreKnown(message, state, directory);
  assertPersonRefsResolve(message, state);
  const entitledParties = resolveDistribution(header.distribution, caller, directory);

  return [
    {
      type: CASE_EVENT_TYPE_BY_MESSAGE_TYPE[header.type],
      data: { message, receivedAt: command.receivedAt.toISOString(), entitledParties, caseFacets: facetsAfter(state, message) },
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
