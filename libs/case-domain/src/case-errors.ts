import { ExchangeError, FieldViolation } from '@cmx/errors';

export class SenderIsNotCaller extends ExchangeError {
  readonly code = 'sender_not_authenticated_party';
  constructor(sender: string, caller: string) {
    super(`header.sender ${sender} is not the authenticated party ${caller}`);
  }
}

export class NotEntitledToCase extends ExchangeError {
  readonly code = 'not_entitled_to_case';
  constructor(caseId: string) {
    super(`Not entitled to case ${caseId}`);
  }
}

export class CaseNotFound extends ExchangeError {
  readonly code = 'case_not_found';
  constructor(caseId: string) {
    super(`Case ${caseId} does not exist`);
  }
}

export class CaseAlreadyExists extends ExchangeError {
  readonly code = 'case_already_exists';
  constructor(caseId: string) {
    super(`Case ${caseId} already exists`);
  }
}

export class CaseIsClosed extends ExchangeError {
  readonly code = 'case_closed';
  constructor(caseId: string) {
    super(`Case ${caseId} is closed and takes no more messages`);
  }
}

export class CaseVersionMismatch extends ExchangeError {
  readonly code = 'case_version_mismatch';
  constructor(caseId: string, expected: number, readonly currentVersion: number) {
    super(`Case ${caseId} is at version ${currentVersion}, not ${expected}`, [{ currentVersion }]);
  }
}

export class MessageIdReused extends ExchangeError {
  readonly code = 'message_id_reused';
  constructor(messageId: string) {
    super(`messageId ${messageId} was already used for a different message`);
  }
}

/** A distribution, assignment or request names a party, operation or task force the exchange does not know. */
export class UnknownReference extends ExchangeError {
  readonly code = 'unknown_reference';
  constructor(violations: readonly FieldViolation[]) {
    super('The message names parties, operations, task forces or messages the exchange does not know', violations);
  }
}

export class UnknownPersonRef extends ExchangeError {
  readonly code = 'unknown_person_ref';
  constructor(violations: readonly FieldViolation[]) {
    super('The message refers to persons the case does not hold', violations);
  }
}

export class DistributionResolvesToNobody extends ExchangeError {
  readonly code = 'distribution_resolves_to_nobody';
  constructor() {
    super('The distribution resolves to no party other than the sender; it is refused, never widened', [
      { path: 'header.distribution', rule: 'resolves_to_nobody', message: 'no recipient besides the sender' },
    ]);
  }
}
