import { FieldViolation, InvalidMembership } from '@cmx/errors';
import type { PartyDirectory } from '@cmx/parties';

export const MAX_MEMBERS = 1000;

export interface MembershipChange {
  readonly members: readonly string[];
  /** The memberships version the admin read; a change made meanwhile is refused (409). Any version when absent. */
  readonly expectedVersion?: number;
}

/** `{ "members": ["NCB-IT", …], "expectedVersion"?: n }`: every member a party of the parties file, each once. */
export function parseMembershipChange(body: unknown, directory: PartyDirectory): MembershipChange {
  const violations: FieldViolation[] = [];
  const problem = (path: string, rule: string, message: string) => violations.push({ path, rule, message });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidMembership([{ path: '', rule: 'type', message: 'the body must be { "members": [party codes] }' }]);
  }
  const record = body as Record<string, unknown>;
  Object.keys(record)
    .filter((key) => key !== 'members' && key !== 'expectedVersion')
    .forEach((key) => problem(key, 'unknown_field', `${key} is not a field of a membership change`));
  const { members, expectedVersion } = record;
  if (!Array.isArray(members) || members.length > MAX_MEMBERS) {
    problem('members', 'type', `members must be a list of at most ${MAX_MEMBERS} party codes`);
  } else {
    const seen = new Set<string>();
    members.forEach((member: unknown, index) => {
      if (typeof member !== 'string' || !directory.hasParty(member))
        problem(`members[${index}]`, 'unknown_party', `${JSON.stringify(member)} is not a party of the exchange`);
      else if (seen.has(member)) problem(`members[${index}]`, 'duplicate', `${member} is listed twice`);
      else seen.add(member);
    });
  }
  if (expectedVersion !== undefined && (!Number.isSafeInteger(expectedVersion) || (expectedVersion as number) < 0)) {
    problem('expectedVersion', 'range', 'expectedVersion must be a whole number ≥ 0');
  }
  if (violations.length > 0) throw new InvalidMembership(violations);
  return { members: [...(members as string[])].sort(), expectedVersion: expectedVersion as number | undefined };
}
