import { ExchangeError, FieldViolation } from './exchange-error';

/** The entry of an operation could not be written, so the operation did not go ahead: nothing was served. */
export class AuditUnavailable extends ExchangeError {
  readonly code = 'audit_unavailable';
  constructor(override readonly cause: unknown) {
    super('The audit log cannot be written at the moment, so nothing was served; try again');
  }
}

/** A Purpose or On-Behalf-Of header that cannot go into the audit log as sent. */
export class InvalidAccountabilityHeader extends ExchangeError {
  readonly code = 'invalid_header';
  constructor(violations: readonly FieldViolation[]) {
    super('A request header is not valid', violations);
  }
}

export class NotAnAuditor extends ExchangeError {
  readonly code = 'not_an_auditor';
  constructor() {
    super('Only the auditors named in the parties file read the whole audit log; a case owner may read the entries of its own case (caseId=…)');
  }
}
