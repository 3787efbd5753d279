import { Admin, Kafka, logLevel, Partitioners, Producer, type logCreator } from 'kafkajs';
import { Delivery, DeliveryChannel, DeliveryPayload, deliveryHeaders, partyTopic } from '../delivery-channel.port';

export interface KafkaDeliveryOptions {
  readonly brokers: readonly string[];
  /** Partitions of a party topic created by the exchange. */
  readonly partitions: number;
  readonly clientId?: string;
  /** Where kafkajs's own log entries go (kafkajs writes them to the console without it). */
  readonly logCreator?: logCreator;
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
      ...(options.logCreator ? { logCreator: options.logCreator } : {}),
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
    const messages = new Map<DeliveryPayload, ProduceRecord['message']>();
    const messageOf = (payload: DeliveryPayload) => {
      let message = messages.get(payload);
      if (!message) {
        message = {
          key: payload.caseId,
          value: JSON.stringify(payload),
          headers: deliveryHeaders(payload),
        };
        messages.set(payload, message);
      }
      return message;
    };
    // One serialization per message, however many parties receive it.
    const records = deliveries.map(({ party, payload }) => ({ topic: partyTopic(party), message: messageOf(payload) }));
    await this.ensureTopics([...new Set(records.map((record) => record.topic))]);
    for (const chunk of produceRequests(records)) {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...chunk].map(([topic, messages]) => ({ topic, messages })),
      });
    }
  }

  async ping(): Promise<void> {
    await this.admin.describeCluster();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  private async ensureTopics(topics: readonly string[]): Promise<void> {
    if (topics.every((topic) => this.knownTopics.has(topic))) return;
    await createMissingTopics(this.admin, topics, this.partitions);
    for (const topic of topics) this.knownTopics.add(topic);
  }
}

/** Creates those of `topics` the broker does not have yet; another client creating one meanwhile is fine. */
export async function createMissingTopics(admin: Admin, topics: readonly string[], partitions: number): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic));
  if (missing.length > 0) {
    await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: partitions })) });
  }
}

export type ProduceRecord = {
  readonly topic: string;
  readonly message: { readonly key: string; readonly value: string; readonly headers: { [name: string]: string } };
};

/** Kafka refuses a record batch over message.max.bytes (1 MiB by default) and a request over socket.request.max.bytes. */
const MAX_TOPIC_BYTES_PER_REQUEST = 900 * 1024;
const MAX_BYTES_PER_REQUEST = 16 * 1024 * 1024;

/**
 * Splits records, in order, into produce requests small enough for the broker.
 * Requests go one after another, so each case keeps its order.
 */
export function* produceRequests(records: readonly ProduceRecord[]): Generator<Map<string, ProduceRecord['message'][]>> {
  let request = new Map<string, ProduceRecord['message'][]>();
  let topicBytes = new Map<string, number>();
  let requestBytes = 0;
  for (const { topic, message } of records) {
    const bytes = Buffer.byteLength(message.value) + 128;
    if (requestBytes > 0 && ((topicBytes.get(topic) ?? 0) + bytes > MAX_TOPIC_BYTES_PER_REQUEST || requestBytes + bytes > MAX_BYTES_PER_REQUEST)) {
      yield request;
      request = new Map();
      topicBytes = new Map();
      requestBytes = 0;
    }
    const messages = request.get(topic);
    if (messages) messages.push(message);
    else request.set(topic, [message]);
    topicBytes.set(topic, (topicBytes.get(topic) ?? 0) + bytes);
    requestBytes += bytes;
  }
  if (requestBytes > 0) yield request;
}
