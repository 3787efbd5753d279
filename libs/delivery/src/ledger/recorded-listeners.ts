import type { Recipient } from './delivery-ledger.port';

/** The listeners of a ledger's onRecorded, called after each record() commits. */
export class RecordedListeners {
  private readonly listeners = new Set<() => void>();

  add(listener: () => void): () => void {
    const subscription = () => listener();
    this.listeners.add(subscription);
    return () => {
      this.listeners.delete(subscription);
    };
  }

  /** Calls every listener; the batch is committed, so one that throws fails neither record() nor the others. */
  notify(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // see above
      }
    }
  }
}

/** Recipients by message id, in the order the rows come (sorted by the query). */
export function recipientsByMessage(rows: readonly { readonly messageId: string; readonly recipient: Recipient }[]): Map<string, Recipient[]> {
  const recipients = new Map<string, Recipient[]>();
  for (const { messageId, recipient } of rows) {
    const ofMessage = recipients.get(messageId);
    if (ofMessage) ofMessage.push(recipient);
    else recipients.set(messageId, [recipient]);
  }
  return recipients;
}
