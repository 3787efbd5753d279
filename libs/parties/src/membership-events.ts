export const MEMBERSHIP_CHANGED = 'MembershipChanged';

/** Every membership change of every operation and task force, in one stream: its version orders the changes. */
export const MEMBERSHIPS_STREAM = 'exchange-memberships';

export type GroupKind = 'operation' | 'taskForce';

export interface MembershipChangedData {
  readonly kind: GroupKind;
  readonly id: string;
  /** The whole member list after the change, sorted. */
  readonly members: readonly string[];
  readonly changedBy: string;
}
