import { CaseMessageData, facetsOfMessage } from '@cmx/case-domain';

/** One filter of a party's subscription: each field it names must contain the message's value. */
export interface SubscriptionFilter {
  readonly types?: readonly string[];
  readonly crimeAreas?: readonly string[];
  readonly routes?: readonly string[];
  readonly operations?: readonly string[];
  readonly taskForces?: readonly string[];
  readonly priorities?: readonly string[];
  readonly senders?: readonly string[];
}

export const FILTER_FIELDS = ['types', 'crimeAreas', 'routes', 'operations', 'taskForces', 'priorities', 'senders'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

/** A party that never chose filters receives everything it is entitled to. */
export const DEFAULT_FILTERS: readonly SubscriptionFilter[] = [{}];

/** The values of one message that filters are matched against; the case-level lists hold every value the case has had so far. */
export type MessageFacts = { readonly [Field in FilterField]: readonly string[] };

export function factsOf(data: CaseMessageData): MessageFacts {
  const { header } = data.message;
  const facets = data.caseFacets ?? facetsOfMessage(data.message);
  return {
    types: [header.type],
    priorities: [header.priority],
    senders: [header.sender],
    crimeAreas: facets.crimeAreas,
    routes: facets.routes,
    operations: facets.operations,
    taskForces: facets.taskForces,
  };
}

/** A delivery matches when any filter matches; `[]` matches nothing. */
export function matchesSubscription(filters: readonly SubscriptionFilter[], facts: MessageFacts): boolean {
  return filters.some((filter) => matchesFilter(filter, facts));
}

function matchesFilter(filter: SubscriptionFilter, facts: MessageFacts): boolean {
  return FILTER_FIELDS.every((field) => {
    const wanted = filter[field];
    return wanted === undefined || facts[field].some((value) => wanted.includes(value));
  });
}
