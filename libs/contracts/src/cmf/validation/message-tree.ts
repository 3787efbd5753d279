import { isJsonObject } from './json';

/**
 * Each DTO instance built from a message points at the instance holding it, so that a rule on a body can read the
 * header of its message, and a rule on the header the moment the message was received. Symbol keys are invisible to
 * `Object.keys`, so neither the unknown-field check nor class-validator's whitelist sees them.
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

function messageOf(node: object): TreeNode {
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
