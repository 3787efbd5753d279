import { CRIME_AREAS, MESSAGE_TYPES, PRIORITIES, ROUTE_NAMES } from '@cmx/contracts';
import type { ExchangeDirectory } from '@cmx/case-domain';
import { FieldViolation, InvalidSubscription } from '@cmx/errors';
import { FILTER_FIELDS, FilterField, SubscriptionFilter } from './subscription-filter';

export const MAX_FILTERS = 100;
export const MAX_VALUES_PER_FIELD = 500;

type KnownValue = (value: string, directory: ExchangeDirectory) => boolean;

const KNOWN_VALUE: Readonly<Record<FilterField, { readonly rule: string; readonly isKnown: KnownValue }>> = {
  types: { rule: 'message_type', isKnown: (value) => (MESSAGE_TYPES as readonly string[]).includes(value) },
  crimeAreas: { rule: 'crime_area', isKnown: (value) => (CRIME_AREAS as readonly string[]).includes(value) },
  routes: { rule: 'route_name', isKnown: (value) => (ROUTE_NAMES as readonly string[]).includes(value) },
  priorities: { rule: 'priority', isKnown: (value) => (PRIORITIES as readonly string[]).includes(value) },
  operations: { rule: 'unknown_operation', isKnown: (value, directory) => directory.operationMembers(value) !== undefined },
  taskForces: { rule: 'unknown_task_force', isKnown: (value, directory) => directory.taskForceMembers(value) !== undefined },
  senders: { rule: 'unknown_party', isKnown: (value, directory) => directory.hasParty(value) },
};

/** A PUT /v1/subscriptions body, checked whole: every problem is reported with its path, and nothing is stored unless there is none. */
export function parseSubscription(body: unknown, directory: ExchangeDirectory): SubscriptionFilter[] {
  const violations: FieldViolation[] = [];
  const problem = (path: string, rule: string, message: string) => violations.push({ path, rule, message });

  if (!isPlainObject(body)) throw new InvalidSubscription([{ path: '', rule: 'type', message: 'the body must be { "filters": [ … ] }' }]);
  Object.keys(body)
    .filter((key) => key !== 'filters')
    .forEach((key) => problem(key, 'unknown_field', `${key} is not a field of a subscription`));
  const { filters } = body;
  if (!Array.isArray(filters)) {
    problem('filters', 'type', 'filters must be a list of filters ([{}] is everything, [] is nothing)');
    throw new InvalidSubscription(violations);
  }
  if (filters.length > MAX_FILTERS) problem('filters', 'max_items', `at most ${MAX_FILTERS} filters`);

  const parsed = filters.map((filter: unknown, index) => {
    const at = `filters[${index}]`;
    if (!isPlainObject(filter)) {
      problem(at, 'type', 'a filter must be an object');
      return {};
    }
    const result: Record<string, string[]> = {};
    for (const [field, values] of Object.entries(filter)) {
      if (!(FILTER_FIELDS as readonly string[]).includes(field)) {
        problem(`${at}.${field}`, 'unknown_field', `${field} is not a filter field (${FILTER_FIELDS.join(', ')})`);
        continue;
      }
      if (!Array.isArray(values)) {
        problem(`${at}.${field}`, 'type', `${field} must be a list`);
        continue;
      }
      if (values.length > MAX_VALUES_PER_FIELD) problem(`${at}.${field}`, 'max_items', `at most ${MAX_VALUES_PER_FIELD} values`);
      const { rule, isKnown } = KNOWN_VALUE[field as FilterField];
      values.forEach((value: unknown, valueIndex) => {
        if (typeof value !== 'string' || !isKnown(value, directory)) {
          problem(`${at}.${field}[${valueIndex}]`, rule, `${JSON.stringify(value)} is not a known ${field} value`);
        }
      });
      result[field] = [...new Set(values as string[])];
    }
    return result as SubscriptionFilter;
  });
  if (violations.length > 0) throw new InvalidSubscription(violations);
  return parsed;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
