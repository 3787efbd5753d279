import { isJsonObject } from './json';

/**
 * Each DTO instance built from a message points at the instance holding it, so that a rule on a body can read the
 * header of its message, and a rule on the header the moment the message was received. Symbol keys are invisible to
 * `Object.keys`, so neither the unknown-field check nor class-validator's whitelist sees them.
 *
 * The compiled validator checks the received JSON itself, which it must not change: while it runs, the message it
 * checks is the scope of every lookup instead (see `runInMessageScope`).
 */
const HOLDER = Symbol('holder');
const RECEIVED_AT = Symbol('receivedAt');

type TreeNode = { [HOLDER]?: object; [RECEIVED_AT]?: number; header?: unknown };

export function linkToHolder(child: object, holder: object): void {
  (child as TreeNode)[HOLDER] = holder;
}

export function setReceiptTime(message: object, receivedAt: Date): void {
  (message as TreeNode)[RECEIVED_AT] = receivedAt.getTime();
}

/** The message being checked by the compiled validator, if it is running. */
let scope: TreeNode | undefined;

/**
 * Runs `check` with `message` (received at `receivedAt`) as the message of every node, whatever node a rule asks about.
 * Validation is synchronous, so a single scope at a time is enough.
 */
export function runInMessageScope<T>(message: { readonly header?: unknown }, receivedAt: Date, check: () => T): T {
  const previous = scope;
  scope = { header: message.header, [RECEIVED_AT]: receivedAt.getTime() };
  try {
    return check();
  } finally {
    scope = previous;
  }
}

function messageOf(node: object): TreeNode {
  if (scope !== undefined) return scope;
  let root = node as TreeNode;
  for (let holder = root[HOLDER]; holder !== undefined; holder = root[HOLDER]) root = holder as TreeNode;
  return root;
}

/** The header of the message `node` belongs to, as received (it may itself be invalid). */
export function messageHeaderOf(node: object): Readonly<Record<string, unknown>> | undefined {
  const header = messageOf(node).header;
  return isJsonObject(header) ? header : undefined;
}

/** When the message `node` belongs to was received, in milliseconds since the epoch. */
export function receiptTimeOf(node: object): number | undefined {
  return messageOf(node)[RECEIVED_AT];
}
