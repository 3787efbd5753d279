import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { createMissingTopics, partyTopic } from '@cmx/delivery';

export interface ReceivedDelivery {
  readonly party: string;
  readonly key: string;
  readonly partition: number;
  readonly headers: Record<string, string>;
  readonly value: { caseId: string; position: string; caseVersion: number; messageId: string; type: string; sender: string };
}

/**
 * Reads the delivery topics of the given parties from the beginning, keeping
 * only deliveries of the given cases (topics outlive test runs), in the order
 * each partition holds them.
 */
export class KafkaDeliveryReader {
  readonly received: ReceivedDelivery[] = [];
  private constructor(private readonly consumer: Consumer) {}

  static async start(brokers: string, parties: readonly string[], caseIds: ReadonlySet<string>): Promise<KafkaDeliveryReader> {
    const kafka = new Kafka({ clientId: 'cmx-test-reader', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await createMissingTopics(admin, parties.map(partyTopic), 3);
    await admin.disconnect();
    const consumer = kafka.consumer({ groupId: `cmx-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const reader = new KafkaDeliveryReader(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: parties.map(partyTopic), fromBeginning: true });
    const partyOfTopic = new Map(parties.map((party) => [partyTopic(party), party]));
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const value = JSON.parse(message.value!.toString());
        if (!caseIds.has(value.caseId)) return;
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, header]) => [name, String(header)]));
        reader.received.push({ party: partyOfTopic.get(topic)!, key: message.key!.toString(), partition, headers, value });
      },
    });
    return reader;
  }

  async waitFor(predicate: (received: readonly ReceivedDelivery[]) => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (Date.now() > deadline) throw new Error(`deliveries not complete after ${timeoutMs} ms (${this.received.length} received)`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
