import { ExchangeError, FieldViolation } from './exchange-error';

export class UnknownCursor extends ExchangeError {
  readonly code = 'unknown_cursor';
  constructor(cursor: string) {
    super(`${cursor} is not the cursor of one of your deliveries`);
  }
}

export class UnknownDeliveries extends ExchangeError {
  readonly code = 'unknown_deliveries';
  constructor(messageIds: readonly string[]) {
    super(
      `${messageIds.length} message id(s) were never delivered to you; nothing was acknowledged`,
      messageIds.map((messageId) => ({ messageId })),
    );
  }
}

export class InvalidSubscription extends ExchangeError {
  readonly code = 'invalid_subscription';
  constructor(violations: readonly FieldViolation[]) {
    super('The subscription is not valid', violations);
  }
}

export class InvalidAcknowledgement extends ExchangeError {
  readonly code = 'invalid_acknowledgement';
  constructor(violations: readonly FieldViolation[]) {
    super('The acknowledgement is not valid', violations);
  }
}

export class NotAnAdmin extends ExchangeError {
  readonly code = 'not_an_admin';
  constructor(party: string) {
    super(`${party} may not change memberships: only the admins named in the parties file may`);
  }
}

export class GroupNotFound extends ExchangeError {
  readonly code = 'group_not_found';
  constructor(kind: 'operation' | 'task force', id: string) {
    super(`There is no ${kind} ${id}`);
  }
}

export class InvalidMembership extends ExchangeError {
  readonly code = 'invalid_membership';
  constructor(violations: readonly FieldViolation[]) {
    super('The membership is not valid', violations);
  }
}

export class MembershipChangedMeanwhile extends ExchangeError {
  readonly code = 'membership_changed_meanwhile';
  constructor(expected: number, actual: number) {
    super(`The memberships are at version ${actual}, not ${expected}: read them again and retry`, [{ expectedVersion: expected, actualVersion: actual }]);
  }
}
