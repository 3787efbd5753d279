import { Admin, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { Delivery, DeliveryChannel, partyTopic } from '../delivery-channel.port';

export interface KafkaDeliveryOptions {
  readonly brokers: readonly string[];
  /** Partitions of a party topic created by the exchange. */
  readonly partitions: number;
  readonly clientId?: string;
}

/**
 * Delivers to one topic per party with an idempotent producer and acks=all,
 * keyed by caseId so a case stays on one partition, in order. Topics are
 * created on first use.
 */
export class KafkaDeliveryChannel implements DeliveryChannel {
  readonly kind = 'kafka';
  private readonly knownTopics = new Set<string>();

  private constructor(
    private readonly admin: Admin,
    private readonly producer: Producer,
    private readonly partitions: number,
  ) {}

  static async connect(options: KafkaDeliveryOptions): Promise<KafkaDeliveryChannel> {
    const kafka = new Kafka({
      clientId: options.clientId ?? 'cmx-dispatcher',
      brokers: [...options.brokers],
      logLevel: logLevel.WARN,
      retry: { retries: 8 },
    });
    const admin = kafka.admin();
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await Promise.all([admin.connect(), producer.connect()]);
    const channel = new KafkaDeliveryChannel(admin, producer, options.partitions);
    for (const topic of await admin.listTopics()) channel.knownTopics.add(topic);
    return channel;
  }

  async deliver(deliveries: readonly Delivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    const byTopic = new Map<string, Delivery[]>();
    for (const delivery of deliveries) {
      const topic = partyTopic(delivery.party);
      const list = byTopic.get(topic);
      if (list) list.push(delivery);
      else byTopic.set(topic, [delivery]);
    }
    await this.ensureTopics([...byTopic.keys()]);
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map(({ payload }) => ({
          key: payload.caseId,
          value: JSON.stringify(payload),
          headers: {
            'message-id': payload.messageId,
            'message-type': payload.type,
            'case-version': String(payload.caseVersion),
          },
        })),
      })),
    });
  }

  async ping(): Promise<void> {
    await this.admin.describeCluster();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  private async ensureTopics(topics: readonly string[]): Promise<void> {
    const missing = topics.filter((topic) => !this.knownTopics.has(topic));
    if (missing.length === 0) return;
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: this.partitions })),
    });
    for (const topic of missing) this.knownTopics.add(topic);
  }
}
