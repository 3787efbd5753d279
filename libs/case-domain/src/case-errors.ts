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
  constructor(
    caseId: string,
    expected: number,
    readonly currentVersion: number,
  ) {
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

export class NotCaseOwner extends ExchangeError {
  readonly code = 'not_case_owner';
  constructor(caseId: string) {
    super(`Only the owner of case ${caseId} or an admin may erase or restrict its persons`);
  }
}

export class CaseErasedWhole extends ExchangeError {
  readonly code = 'case_erased';
  constructor(caseId: string) {
    super(`Case ${caseId} was erased and takes no more messages`);
  }
}

/** A message names a person that was erased: their data may not come back under the same ref. */
export class PersonErased extends ExchangeError {
  readonly code = 'person_erased';
  constructor(violations: readonly FieldViolation[]) {
    super('The message names persons erased from the case', violations);
  }
}

/** An erasure or restriction that would change nothing: already erased, already restricted, or not restricted. */
export class ProtectionUnchanged extends ExchangeError {
  readonly code = 'protection_unchanged';
  constructor(violations: readonly FieldViolation[]) {
    super('The request would change nothing', violations);
  }
}

/** A repeat of a message whose persons were erased since: its content can no longer be compared. */
export class MessageErased extends ExchangeError {
  readonly code = 'message_erased';
  constructor(messageId: string) {
    super(`messageId ${messageId} names persons erased since it was accepted; it is not accepted again`);
  }
}
