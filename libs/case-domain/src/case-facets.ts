import { CASE_REPORT_MESSAGE_TYPES, type CaseAssignedBody, type CaseReport, type CmfMessage } from '@cmx/contracts';

/**
 * What a case is about, as far as its messages have said so far: the values a
 * party's subscription filters are matched against. Each list is sorted and
 * holds each value once.
 */
export interface CaseFacets {
  readonly crimeAreas: readonly string[];
  readonly routes: readonly string[];
  readonly operations: readonly string[];
  readonly taskForces: readonly string[];
}

export const NO_FACETS: CaseFacets = { crimeAreas: [], routes: [], operations: [], taskForces: [] };

/** What one message says about its case: a case report's crime areas and route, the operations and task forces it is distributed or assigned to. */
export function facetsOfMessage(message: CmfMessage): CaseFacets {
  const { operations, taskForces } = groupsOfMessage(message);
  let crimeAreas: readonly string[] = [];
  let routes: readonly string[] = [];
  if (CASE_REPORT_MESSAGE_TYPES.includes(message.header.type)) {
    const report = message.body as CaseReport;
    crimeAreas = report.crimeAreas ?? [];
    routes = report.route?.name ? [report.route.name] : [];
  }
  return { crimeAreas: sortedSet(crimeAreas), routes: sortedSet(routes), operations: sortedSet(operations), taskForces: sortedSet(taskForces) };
}

/** The operations and task forces one message is distributed or assigned to, as it names them (unsorted, maybe repeated). */
export function groupsOfMessage(message: CmfMessage): Pick<CaseFacets, 'operations' | 'taskForces'> {
  const { distribution } = message.header;
  const operations = distribution.scope === 'operation' ? (distribution.operations ?? []) : [];
  const taskForces = distribution.scope === 'taskForce' ? (distribution.taskForces ?? []) : [];
  if (message.header.type !== 'case.assigned') return { operations, taskForces };
  const { operationId, taskForceId } = message.body as CaseAssignedBody;
  return {
    operations: operationId === undefined ? operations : [...operations, operationId],
    taskForces: taskForceId === undefined ? taskForces : [...taskForces, taskForceId],
  };
}

export function mergeFacets(earlier: CaseFacets, later: CaseFacets): CaseFacets {
  return {
    crimeAreas: sortedSet([...earlier.crimeAreas, ...later.crimeAreas]),
    routes: sortedSet([...earlier.routes, ...later.routes]),
    operations: sortedSet([...earlier.operations, ...later.operations]),
    taskForces: sortedSet([...earlier.taskForces, ...later.taskForces]),
  };
}

const sortedSet = (values: readonly string[]): string[] => [...new Set(values)].sort();
