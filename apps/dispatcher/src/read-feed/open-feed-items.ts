import type { FeedItem, MessagePayload } from '@cmx/delivery';
import type { PersonalDataVault } from '@cmx/personal-data';

/** The party's feed items with what their messages hold of persons opened for it: the ledger keeps them sealed. */
export async function openFeedItems(vault: PersonalDataVault, items: readonly FeedItem[], party: string): Promise<FeedItem[]> {
  const messages = items.filter((item) => item.delivery.type !== 'erasure.notice');
  if (messages.length === 0) return [...items];
  const keys = await vault.openBodies(
    messages.map((item) => ({ item, caseId: item.delivery.caseId, body: (item.delivery as MessagePayload).body })),
    () => ({ reader: party }),
  );
  const opened = new Map(keys.map(({ item, body }) => [item, body]));
  return items.map((item) => {
    const body = opened.get(item);
    return body === undefined || body === (item.delivery as MessagePayload).body ? item : { ...item, delivery: { ...(item.delivery as MessagePayload), body } };
  });
}
