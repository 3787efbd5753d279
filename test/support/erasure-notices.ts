import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { createMissingTopics, partyTopic } from '@cmx/delivery';
import type { ExchangeClient } from './exchange-client';
import { ServiceName, ServiceProcess, startServiceProcess } from './service-process';

/** One Kafka record of a delivery topic, as the partition holds it: with its offset, its CreateTime and its value as text. */
export interface KafkaRecord {
  readonly party: string;
  readonly partition: number;
  readonly offset: bigint;
  /** CreateTime: set by the dispatcher's producer when it encoded the request. */
  readonly timestamp: number;
  readonly key: string;
  readonly headers: Record<string, string>;
  readonly raw: string;
  readonly value: any;
}

/**
 * Reads the delivery topics of the given parties from the beginning, keeping every record of the given cases
 * (topics outlive test runs) with what the ordering and erasure checks need: partition, offset, timestamp, raw value.
 */
export class KafkaRecordReader {
  readonly records: KafkaRecord[] = [];
  private constructor(private readonly consumer: Consumer) {}

  static async start(brokers: string, parties: readonly string[], caseIds: ReadonlySet<string>): Promise<KafkaRecordReader> {
    const kafka = new Kafka({ clientId: 'cmx-test-erasure-reader', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await createMissingTopics(admin, parties.map(partyTopic), 3);
    await admin.disconnect();
    const consumer = kafka.consumer({ groupId: `cmx-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const reader = new KafkaRecordReader(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: parties.map(partyTopic), fromBeginning: true });
    const partyOfTopic = new Map(parties.map((party) => [partyTopic(party), party]));
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const raw = message.value!.toString();
        const value = JSON.parse(raw);
        if (!caseIds.has(value.caseId)) return;
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, header]) => [name, String(header)]));
        reader.records.push({
          party: partyOfTopic.get(topic)!,
          partition,
          offset: BigInt(message.offset),
          timestamp: Number(message.timestamp),
          key: message.key!.toString(),
          headers,
          raw,
          value,
        });
      },
    });
    return reader;
  }

  async waitFor(predicate: (records: readonly KafkaRecord[]) => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.records)) {
      if (Date.now() > deadline) throw new Error(`Kafka records not complete after ${timeoutMs} ms (${this.records.length} read)`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

export interface FeedRecord {
  readonly cursor: string;
  readonly delivery: any;
}

/** The caller's whole feed as it stands: every page from the start until a page comes back empty. */
export async function readWholeFeed(client: ExchangeClient): Promise<FeedRecord[]> {
  const items: FeedRecord[] = [];
  let cursor: string | undefined;
  for (;;) {
    const answer = await client.request('GET', `/v1/feed?limit=1000${cursor ? `&after=${cursor}` : ''}`);
    if (answer.status !== 200) throw new Error(`GET /v1/feed as ${client.party} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    if (answer.body.items.length === 0) return items;
    items.push(...answer.body.items);
    cursor = answer.body.nextCursor;
  }
}

/**
 * A service kept running as a supervisor would (restarted whenever it exits, also when it fails to start) and
 * killed with SIGKILL on demand; it records when each kill came and every exit it did not cause, with the output.
 */
export class SupervisedService {
  readonly killedAt: number[] = [];
  /** How long each start took until the service was healthy (ms). */
  readonly startMs: number[] = [];
  readonly exitedOnTheirOwn: { readonly exitCode: number | null; readonly output: string }[] = [];
  private readonly killing = new Set<ServiceProcess>();
  private restarting: Promise<void> | undefined;
  private stopped = false;

  private constructor(
    private readonly service: ServiceName,
    private readonly env: Record<string, string>,
    private instance: ServiceProcess,
  ) {}

  static async start(service: ServiceName, env: Record<string, string>): Promise<SupervisedService> {
    const supervised = new SupervisedService(service, env, undefined as unknown as ServiceProcess);
    await supervised.restart();
    return supervised;
  }

  /** The instance running now (after a restart in progress, once it is up). */
  async current(): Promise<ServiceProcess> {
    await this.restarting;
    return this.instance;
  }

  /** SIGKILL, then (after `downtimeMs`, as a supervisor's back-off would) a new instance. */
  async kill9(downtimeMs = 0): Promise<void> {
    const instance = await this.current();
    this.killing.add(instance);
    await instance.kill9();
    this.killedAt.push(Date.now());
    if (downtimeMs > 0) await new Promise((resolve) => setTimeout(resolve, downtimeMs));
    await this.restart();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.restarting?.catch(() => undefined);
    await this.instance?.stop();
  }

  private restart(): Promise<void> {
    this.restarting ??= (async () => {
      for (;;) {
        try {
          const startedAt = Date.now();
          const instance = await startServiceProcess(this.service, this.env);
          this.startMs.push(Date.now() - startedAt);
          this.instance = instance;
          instance.child.once('exit', (exitCode) => {
            if (this.killing.has(instance) || this.stopped) return;
            this.exitedOnTheirOwn.push({ exitCode, output: instance.output() });
            void this.restart();
          });
          return;
        } catch (error) {
          // It exited (or hung) before it was healthy: a supervisor starts it again.
          this.exitedOnTheirOwn.push({ exitCode: null, output: (error as Error).message });
          if (this.stopped) return;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    })().finally(() => (this.restarting = undefined));
    return this.restarting;
  }
}

/**
 * Runs `work` while the service is killed with SIGKILL at random points (every `minMs` to `minMs + spreadMs` after it
 * is up) and restarted (after up to `maxDowntimeMs`: the longer it is down, the larger its catch-up batches, the more
 * likely the next kill falls between Kafka and the ledger); at least `minKills` times, even when the work ends sooner. As whileKillingRepeatedly (service-process.ts),
 * but a dispatcher that fails by itself is restarted too, and counted.
 */
export async function killRepeatedlyDuring<T>(
  supervised: SupervisedService,
  random: () => number,
  pause: { readonly minMs: number; readonly spreadMs: number; readonly minKills: number; readonly maxDowntimeMs?: number },
  work: () => Promise<T>,
): Promise<T> {
  let working = true;
  const killer = (async () => {
    while (working || supervised.killedAt.length < pause.minKills) {
      await new Promise((resolve) => setTimeout(resolve, pause.minMs + random() * pause.spreadMs));
      await supervised.kill9(random() * (pause.maxDowntimeMs ?? 0));
    }
  })();
  try {
    return await work();
  } finally {
    working = false;
    await killer;
  }
}
