import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { World, WorldDistribution, WorldFilter, WorldMessage, WorldStep } from './reference-deliveries';

const PARTY_POOL = ['NCB-IT', 'NCB-GR', 'NCB-ES', 'EUROPOL', 'FRONTEX'];
/** A well-formed party code the worlds never list: a distribution naming it is refused. */
const STRANGER = 'IOM';
const OPERATIONS = ['OP-ALPHA', 'OP-BETA'];
const TASK_FORCES = ['OTF-EAST', 'OTF-WEST'];
const GHOST_OPERATION = 'OP-GHOST';
const TYPES = ['case.opened', 'case.updated', 'case.assigned'] as const;
const PRIORITIES = ['routine', 'urgent', 'immediate'] as const;
const CRIME_AREAS = ['migrant_smuggling', 'document_fraud', 'trafficking_in_human_beings'];
const ROUTES = ['central_mediterranean', 'western_balkan'];
const CASES = 3;

const subsetOf = <T>(values: readonly T[], minLength = 0) => fc.subarray([...values], { minLength });

function filterArbitrary(parties: string[]): fc.Arbitrary<WorldFilter> {
  const values: Record<string, fc.Arbitrary<string[]>> = {
    types: subsetOf(TYPES, 1),
    crimeAreas: subsetOf(CRIME_AREAS, 1),
    routes: subsetOf(ROUTES, 1),
    operations: subsetOf(OPERATIONS, 1),
    taskForces: subsetOf(TASK_FORCES, 1),
    priorities: subsetOf(PRIORITIES, 1),
    senders: subsetOf(parties, 1),
  };
  // Up to two fields per filter, now and then an empty list (which matches nothing).
  return fc
    .subarray(Object.keys(values), { maxLength: 2 })
    .chain((fields) =>
      fc.record(
        Object.fromEntries(fields.map((field) => [field, fc.oneof({ weight: 9, arbitrary: values[field] }, { weight: 1, arbitrary: fc.constant([]) })])),
      ),
    )
    .map((filter) => filter as WorldFilter);
}

function distributionArbitrary(parties: string[]): fc.Arbitrary<WorldDistribution> {
  return fc.oneof(
    fc.record({ scope: fc.constant('recipients' as const), recipients: subsetOf([...parties, STRANGER], 1) }),
    fc.record({ scope: fc.constant('operation' as const), operations: subsetOf([...OPERATIONS, GHOST_OPERATION], 1) }),
    fc.record({ scope: fc.constant('taskForce' as const), taskForces: subsetOf(TASK_FORCES, 1) }),
    fc.constant({ scope: 'allPartners' as const }),
  );
}

function messageArbitrary(parties: string[]): fc.Arbitrary<WorldMessage> {
  return fc.record({
    kind: fc.constant('message' as const),
    sender: fc.constantFrom(...parties),
    caseKey: fc.integer({ min: 0, max: CASES - 1 }),
    type: fc.constantFrom(...TYPES),
    distribution: distributionArbitrary(parties),
    priority: fc.constantFrom(...PRIORITIES),
    crimeAreas: subsetOf(CRIME_AREAS),
    route: fc.option(fc.constantFrom(...ROUTES), { nil: undefined }),
    assign: fc.oneof(
      fc.record({ operationId: fc.constantFrom(...OPERATIONS) }),
      fc.record({ taskForceId: fc.constantFrom(...TASK_FORCES) }),
      fc.record({ operationId: fc.constantFrom(...OPERATIONS), taskForceId: fc.constantFrom(...TASK_FORCES) }),
    ),
  });
}

/** Random worlds: 2–5 parties, two operations and two task forces with random members, and up to `maxSteps` changes and messages. */
export function worldArbitrary(maxSteps = 30): fc.Arbitrary<World> {
  return subsetOf(PARTY_POOL, 2).chain((parties) => {
    const members = subsetOf(parties);
    const step: fc.Arbitrary<WorldStep> = fc.oneof(
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('membership' as const),
          group: fc.constant('operation' as const),
          id: fc.constantFrom(...OPERATIONS),
          members,
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('membership' as const),
          group: fc.constant('taskForce' as const),
          id: fc.constantFrom(...TASK_FORCES),
          members,
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('subscription' as const),
          party: fc.constantFrom(...parties),
          filters: fc.array(filterArbitrary(parties), { maxLength: 2 }),
        }),
      },
      { weight: 6, arbitrary: messageArbitrary(parties) },
    );
    return fc.record({
      parties: fc.constant(parties),
      operations: fc.record(Object.fromEntries(OPERATIONS.map((id) => [id, members]))),
      taskForces: fc.record(Object.fromEntries(TASK_FORCES.map((id) => [id, members]))),
      admin: fc.constantFrom(...parties),
      steps: fc.array(step, { maxLength: maxSteps }),
    });
  });
}

/** The world's case number `caseKey` under a prefix unique to one run. */
export const worldCaseId = (runPrefix: number, caseKey: number): string => `IT-2026-${runPrefix}${caseKey}`;

/** The CMF/1 message a world step stands for. */
export function cmfMessageOf(step: WorldMessage, caseId: string, sentAt: Date, messageId: string = randomUUID()) {
  const distribution = step.distribution.scope === 'allPartners' ? { scope: 'allPartners' } : { ...step.distribution };
  const report = {
    ...(step.type === 'case.opened' ? { title: 'World case' } : { summary: 'More on the case' }),
    ...(step.crimeAreas.length > 0 ? { crimeAreas: step.crimeAreas } : {}),
    ...(step.route
      ? { route: { name: step.route, legs: [{ from: { country: 'LY' }, to: { country: 'IT' }, mode: 'sea', conveyance: 'rubber_dinghy' }] } }
      : {}),
  };
  return {
    header: {
      messageId,
      schemaVersion: '1.0',
      type: step.type,
      sender: step.sender,
      sentAt: sentAt.toISOString(),
      caseId,
      priority: step.priority,
      handling: { code: 'H0' },
      distribution,
      evaluation: { source: 'B', information: '2' },
    },
    body: step.type === 'case.assigned' ? step.assign : report,
  };
}
