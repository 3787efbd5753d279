import { CRIME_AREAS, MESSAGE_TYPES, PRIORITIES, ROUTE_NAMES } from '@cmx/contracts';
import { arrayOf, namedSchema, nullable, PARTY_CODE, STORE_POSITION, type OpenApiSchema } from '@cmx/platform';
import { MAX_FILTERS, MAX_VALUES_PER_FIELD } from '../subscriptions/parse-subscription';

const values = (items: OpenApiSchema) => ({ type: 'array', maxItems: MAX_VALUES_PER_FIELD, items });

const FILTER_SCHEMA = namedSchema('SubscriptionFilter', {
  type: 'object',
  description:
    'Matches a delivery when every field it names contains the message’s value (a case report’s lists: any overlap); a field left out matches anything.',
  properties: {
    types: values({ type: 'string', enum: [...MESSAGE_TYPES] }),
    crimeAreas: values({ type: 'string', enum: [...CRIME_AREAS] }),
    routes: values({ type: 'string', enum: [...ROUTE_NAMES] }),
    operations: values({ type: 'string' }),
    taskForces: values({ type: 'string' }),
    priorities: values({ type: 'string', enum: [...PRIORITIES] }),
    senders: values(PARTY_CODE),
  },
  additionalProperties: false,
});

const FILTERS = {
  type: 'array',
  maxItems: MAX_FILTERS,
  items: FILTER_SCHEMA,
  description: 'A delivery matches when any filter matches: `[{}]` (the default) is everything, `[]` nothing',
};

export const SUBSCRIPTION_SCHEMA = namedSchema('Subscription', {
  type: 'object',
  description: 'The caller’s filters, within what it is entitled to.',
  properties: { filters: FILTERS },
  required: ['filters'],
  additionalProperties: false,
});

export const SUBSCRIPTION_VIEW_SCHEMA = namedSchema('SubscriptionView', {
  type: 'object',
  properties: {
    filters: arrayOf(FILTER_SCHEMA),
    version: { type: 'integer', minimum: 0, description: 'How many times the caller has changed its subscription' },
    position: nullable({
      ...STORE_POSITION,
      description: 'The store position of the change in force (deliveries after it are filtered by it); null for the default',
    }),
  },
  required: ['filters', 'version', 'position'],
});
