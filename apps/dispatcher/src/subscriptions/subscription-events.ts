import type { SubscriptionFilter } from './subscription-filter';

export const SUBSCRIPTION_CHANGED = 'SubscriptionChanged';

export interface SubscriptionChangedData {
  readonly party: string;
  readonly filters: readonly SubscriptionFilter[];
}

/** Each party's subscription changes are a stream of their own. */
export const subscriptionStreamName = (party: string): string => `subscriptions-${party}`;
