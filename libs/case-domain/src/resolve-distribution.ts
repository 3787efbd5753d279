import type { Distribution } from '@cmx/contracts';
import type { FieldViolation } from '@cmx/errors';
import { DistributionResolvesToNobody, UnknownReference } from './case-errors';
import type { ExchangeDirectory } from './exchange-directory';

/**
 * The set of parties entitled to a message: the distribution's parties plus the
 * sender, with operation and task-force members as they are now. Fails closed:
 * an unknown name or an empty result is refused, never widened.
 */
export function resolveDistribution(distribution: Distribution, sender: string, directory: ExchangeDirectory): string[] {
  const entitled = new Set<string>([sender]);
  const unknown: FieldViolation[] = [];
  if (distribution.scope === 'allPartners') {
    directory.allPartyCodes().forEach((party) => entitled.add(party));
  } else {
    const { field, rule, membersOf } = NAMED_LISTS[distribution.scope];
    (distribution[field] ?? []).forEach((name, index) => {
      const members = membersOf(directory, name);
      if (members) members.forEach((member) => entitled.add(member));
      else unknown.push(unknownAt(`header.distribution.${field}[${index}]`, rule, name));
    });
  }

  if (unknown.length > 0) throw new UnknownReference(unknown);
  if (entitled.size < 2) throw new DistributionResolvesToNobody();
  return [...entitled].sort();
}

/** For each scope that names its parties: the list it names them in, and who each name stands for. */
const NAMED_LISTS = {
  recipients: { field: 'recipients', rule: 'unknown_party', membersOf: (d: ExchangeDirectory, party: string) => (d.hasParty(party) ? [party] : undefined) },
  operation: { field: 'operations', rule: 'unknown_operation', membersOf: (d: ExchangeDirectory, id: string) => d.operationMembers(id) },
  taskForce: { field: 'taskForces', rule: 'unknown_task_force', membersOf: (d: ExchangeDirectory, id: string) => d.taskForceMembers(id) },
} as const;

export const unknownAt = (path: string, rule: string, value: string): FieldViolation => ({
  path,
  rule,
  message: `${value} is not known to the exchange`,
});
