import type { Distribution } from '@cmx/contracts';
import type { FieldViolation } from '@cmx/errors';
import { DistributionResolvesToNobody, UnknownReference } from './case-errors';
import type { ExchangeDirectory } from './exchange-directory';

/**
 * The set of parties entitled to a message: the distribution's parties plus the
 * sender, with operation and task-force members as they are now. Fails closed:
 * an unknown name or an empty result is refused, never widened.
 */
export function resolveDistribution(
  distribution: Distribution,
  sender: string,
  directory: ExchangeDirectory,
): string[] {
  const entitled = new Set<string>([sender]);
  const unknown: FieldViolation[] = [];
  const addAll = (members: readonly string[]) => members.forEach((member) => entitled.add(member));

  switch (distribution.scope) {
    case 'recipients':
      (distribution.recipients ?? []).forEach((party, index) => {
        if (directory.hasParty(party)) entitled.add(party);
        else unknown.push(unknownAt(`header.distribution.recipients[${index}]`, 'unknown_party', party));
      });
      break;
    case 'operation':
      (distribution.operations ?? []).forEach((operationId, index) => {
        const members = directory.operationMembers(operationId);
        if (members) addAll(members);
        else unknown.push(unknownAt(`header.distribution.operations[${index}]`, 'unknown_operation', operationId));
      });
      break;
    case 'taskForce':
      (distribution.taskForces ?? []).forEach((taskForceId, index) => {
        const members = directory.taskForceMembers(taskForceId);
        if (members) addAll(members);
        else unknown.push(unknownAt(`header.distribution.taskForces[${index}]`, 'unknown_task_force', taskForceId));
      });
      break;
    case 'allPartners':
      addAll(directory.allPartyCodes());
      break;
  }

  if (unknown.length > 0) throw new UnknownReference(unknown);
  if (entitled.size < 2) throw new DistributionResolvesToNobody();
  return [...entitled].sort();
}

export const unknownAt = (path: string, rule: string, value: string): FieldViolation => ({
  path,
  rule,
  message: `${value} is not known to the exchange`,
});
