/**
 * An independent model of who receives what: a world of parties, operations,
 * task forces, membership and subscription changes and messages, and the
 * deliveries DESIGN.md and CMF/1 say it makes. Written from the documents,
 * sharing no code with the exchange, so that tests can hold the exchange to it.
 */
export type GroupKind = 'operation' | 'taskForce';
export type FilterField = 'types' | 'crimeAreas' | 'routes' | 'operations' | 'taskForces' | 'priorities' | 'senders';
export type WorldFilter = Partial<Record<FilterField, string[]>>;

export type WorldDistribution =
  | { scope: 'recipients'; recipients: string[] }
  | { scope: 'operation'; operations: string[] }
  | { scope: 'taskForce'; taskForces: string[] }
  | { scope: 'allPartners' };

export interface WorldMessage {
  kind: 'message';
  sender: string;
  caseKey: number;
  type: 'case.opened' | 'case.updated' | 'case.assigned';
  distribution: WorldDistribution;
  priority: 'routine' | 'urgent' | 'immediate';
  crimeAreas: string[];
  route?: string;
  assign: { operationId?: string; taskForceId?: string };
}

export type WorldStep =
  { kind: 'membership'; group: GroupKind; id: string; members: string[] } | { kind: 'subscription'; party: string; filters: WorldFilter[] } | WorldMessage;

export interface World {
  parties: string[];
  operations: Record<string, string[]>;
  taskForces: Record<string, string[]>;
  admin: string;
  steps: WorldStep[];
}

export interface ReferenceOutcome {
  /** The message steps the exchange must refuse, by index, with the error code CMF/1 gives the refusal. */
  refused: Map<number, string>;
  /** For each party: the indexes of the message steps it must receive, in step order. */
  received: Map<string, number[]>;
  /** For each accepted message step: every party entitled to it. */
  entitled: Map<number, Set<string>>;
}

interface ModelCase {
  owner: string;
  participants: Set<string>;
  crimeAreas: Set<string>;
  routes: Set<string>;
  operations: Set<string>;
  taskForces: Set<string>;
}

export function referenceDeliveries(world: World): ReferenceOutcome {
  const groups: Record<GroupKind, Map<string, string[]>> = {
    operation: new Map(Object.entries(world.operations)),
    taskForce: new Map(Object.entries(world.taskForces)),
  };
  const subscriptions = new Map<string, WorldFilter[]>();
  const cases = new Map<number, ModelCase>();
  const outcome: ReferenceOutcome = { refused: new Map(), received: new Map(world.parties.map((party) => [party, []])), entitled: new Map() };

  world.steps.forEach((step, index) => {
    if (step.kind === 'membership') {
      groups[step.group].set(step.id, [...step.members]);
      return;
    }
    if (step.kind === 'subscription') {
      subscriptions.set(step.party, step.filters);
      return;
    }
    const existing = cases.get(step.caseKey);
    const refuse = (code: string) => outcome.refused.set(index, code);
    if (step.type === 'case.opened' && existing !== undefined) return refuse('case_already_exists');
    if (step.type !== 'case.opened' && existing === undefined) return refuse('case_not_found');
    if (existing && existing.owner !== step.sender && !existing.participants.has(step.sender)) return refuse('not_entitled_to_case');

    const named = namedParties(step.distribution, world.parties, groups);
    if (named === undefined) return refuse('unknown_reference');
    const entitled = new Set([step.sender, ...named]);
    if (entitled.size < 2) return refuse('distribution_resolves_to_nobody');

    const model: ModelCase = existing ?? {
      owner: step.sender,
      participants: new Set(),
      crimeAreas: new Set(),
      routes: new Set(),
      operations: new Set(),
      taskForces: new Set(),
    };
    entitled.forEach((party) => model.participants.add(party));
    if (step.type !== 'case.assigned') {
      step.crimeAreas.forEach((area) => model.crimeAreas.add(area));
      if (step.route) model.routes.add(step.route);
    } else {
      if (step.assign.operationId) model.operations.add(step.assign.operationId);
      if (step.assign.taskForceId) model.taskForces.add(step.assign.taskForceId);
    }
    if (step.distribution.scope === 'operation') step.distribution.operations.forEach((id) => model.operations.add(id));
    if (step.distribution.scope === 'taskForce') step.distribution.taskForces.forEach((id) => model.taskForces.add(id));
    cases.set(step.caseKey, model);
    outcome.entitled.set(index, entitled);

    const values: Record<FilterField, string[]> = {
      types: [step.type],
      priorities: [step.priority],
      senders: [step.sender],
      crimeAreas: [...model.crimeAreas],
      routes: [...model.routes],
      operations: [...model.operations],
      taskForces: [...model.taskForces],
    };
    for (const party of entitled) {
      if (party === step.sender) continue;
      const filters = subscriptions.get(party) ?? [{}];
      const wanted = filters.some((filter) =>
        (Object.keys(filter) as FilterField[]).every((field) => filter[field]!.some((value) => values[field].includes(value))),
      );
      if (wanted) outcome.received.get(party)!.push(index);
    }
    return undefined;
  });
  return outcome;
}

/** The parties a distribution names; undefined when it names something unknown. */
function namedParties(distribution: WorldDistribution, parties: string[], groups: Record<GroupKind, Map<string, string[]>>): string[] | undefined {
  switch (distribution.scope) {
    case 'allPartners':
      return parties;
    case 'recipients':
      return distribution.recipients.every((party) => parties.includes(party)) ? distribution.recipients : undefined;
    case 'operation':
    case 'taskForce': {
      const [kind, ids] =
        distribution.scope === 'operation' ? (['operation', distribution.operations] as const) : (['taskForce', distribution.taskForces] as const);
      const lists = ids.map((id) => groups[kind].get(id));
      return lists.every((list) => list !== undefined) ? (lists.flat() as string[]) : undefined;
    }
  }
}
