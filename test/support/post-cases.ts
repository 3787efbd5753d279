import { ExchangeClient } from './exchange-client';
import { messageOf, newCaseId } from './messages';
import { expectedRecipients, randomDistribution, seededRandom } from './reference-entitlement';

const SENDERS = ['NCB-IT', 'NCB-GR', 'NCB-ES', 'EUROPOL'];

export interface Posted {
  readonly messageId: string;
  readonly caseId: string;
  readonly caseVersion: number;
  readonly recipients: readonly string[];
}

/**
 * Posts `casesCount` cases of `messagesPerCase` messages, each case in order, the cases concurrently; each
 * message goes to one of the gateways at random, so gateways keep meeting cases another one moved on.
 */
export async function postCases(baseUrls: readonly string[], casesCount: number, messagesPerCase: number, seed: number): Promise<Posted[]> {
  const random = seededRandom(seed);
  const posted: Posted[] = [];
  const plans = Array.from({ length: casesCount }, () => {
    const sender = SENDERS[Math.floor(random() * SENDERS.length)];
    return { sender, caseId: newCaseId(), distributions: Array.from({ length: messagesPerCase }, () => randomDistribution(sender, random)) };
  });
  const concurrency = 32;
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < plans.length; index = next++) {
      const { sender, caseId, distributions } = plans[index];
      for (const [n, distribution] of distributions.entries()) {
        const client = new ExchangeClient(baseUrls[Math.floor(random() * baseUrls.length)], sender);
        const message = messageOf(n === 0 ? 'case.opened' : 'case.updated', { caseId, sender, header: { distribution } });
        const answer = await client.post(message);
        if (answer.status !== 201) throw new Error(`post ${caseId}#${n}: ${answer.status} ${JSON.stringify(answer.body)}`);
        posted.push({
          messageId: message.header.messageId,
          caseId,
          caseVersion: answer.body.caseVersion,
          recipients: expectedRecipients(distribution, sender),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return posted;
}

export const expectedCount = (posted: readonly Posted[]) => posted.reduce((sum, message) => sum + message.recipients.length, 0);
