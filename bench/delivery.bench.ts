/**
 * npm run bench:delivery [-- --rate 1000 --duration 20 --events 3000]
 * Needs KAFKA_BROKERS (npm run -s engines:up).
 *
 * 1. Latency: the all-in-one exchange with DELIVERY=kafka in its own process; messages posted at a fixed
 *    rate to one recipient; a consumer of that party's topic measures arrival − receivedAt (the receipt's time).
 * 2. Fan-out: `--events` case messages stored with 1, 10 and 100 entitled recipients, then the real
 *    Dispatcher (this process) delivers them all; deliveries/s and time per message.
 * 3. Raw kafkajs: the same payloads produced straight to one topic (idempotent, acks=all), the broker's ceiling.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { COUNTRY_CODES } from '@cmx/contracts';
import { realisticCaseOpened } from '@cmx/contracts/testing';
import { createMissingTopics, KafkaDeliveryChannel, partyTopic, SqliteDeliveryLedger } from '@cmx/delivery';
import { SqliteEventStore } from '@cmx/event-store';
import { hashApiKey, PartyDirectory } from '@cmx/parties';
import { AuditTrail, EngineProbes, ExchangeMetrics, systemClock } from '@cmx/platform';
import { Dispatcher } from '../apps/dispatcher/src/dispatch-events/dispatcher.service';
import { freePort } from '../test/support/free-port';
import { argument, machine, round, startServer } from './support';
import { PersonalDataVault, SqliteKeyStore } from '@cmx/personal-data';

const rate = argument('rate', 1000);
const duration = argument('duration', 20);
const fanOutEvents = argument('events', 3000);
const brokers = process.env.KAFKA_BROKERS?.split(',');
const SENDER = 'NCB-IT';
const runId = randomUUID().slice(0, 8);

const recipientsPool = COUNTRY_CODES.filter((code) => code !== 'IT')
  .slice(0, 100)
  .map((code) => `NCB-${code}`);
const taskForce = (size: number) => `OTF-BENCH-${size}`;

function partiesFile(dir: string): string {
  const file = join(dir, 'parties.json');
  const parties = [SENDER, ...recipientsPool].map((code) => ({ code, kind: 'bureau', apiKeys: code === SENDER ? [hashApiKey('bench-key')] : [] }));
  const taskForces = [1, 10, 100].map((size) => ({ id: taskForce(size), members: [SENDER, ...recipientsPool.slice(0, size)] }));
  writeFileSync(file, JSON.stringify({ parties, operations: [], taskForces, admins: [] }));
  return file;
}

function percentile(sorted: readonly number[], q: number): number {
  return round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))], 1);
}

async function latencyRun(dir: string): Promise<string> {
  const port = await freePort();
  const server = await startServer('../apps/exchange/src/main.ts', {
    DATA_DIR: join(dir, 'latency'),
    PORT: String(port),
    HOST: '127.0.0.1',
    CASE_EXCHANGE_PARTIES: partiesFile(dir),
    DELIVERY: 'kafka',
    KAFKA_BROKERS: brokers!.join(','),
  });
  const kafka = new Kafka({ clientId: 'bench-latency', brokers: brokers!, logLevel: logLevel.NOTHING });
  const topic = partyTopic(recipientsPool[0]);
  await createTopics([topic]);
  const consumer = kafka.consumer({ groupId: `bench-${runId}`, maxWaitTimeInMs: 5 });
  const latencies: number[] = [];
  const runCases = new Set<string>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const value = JSON.parse(message.value!.toString());
      if (runCases.has(value.caseId)) latencies.push(Date.now() - Date.parse(value.receivedAt));
    },
  });
  await new Promise((resolve) => setTimeout(resolve, 3000));
  let counter = 0;
  const runDigits = runId.replace(/\D/g, '').slice(0, 4).padEnd(4, '0');
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/v1/messages`,
    method: 'POST',
    connections: 32,
    duration,
    overallRate: rate,
    headers: { authorization: 'Bearer bench-key', 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request) => {
          const caseId = `IT-2026-${runDigits}${String(counter++).padStart(7, '0')}`;
          runCases.add(caseId);
          const message = realisticCaseOpened(caseId, randomUUID(), SENDER, new Date());
          const body = JSON.stringify({ ...message, header: { ...message.header, distribution: { scope: 'taskForce', taskForces: [taskForce(1)] } } });
          return { ...request, body };
        },
      },
    ],
  });
  const total = result['2xx'];
  const refused = result.non2xx + result.errors + result.timeouts;
  const deadline = Date.now() + 30_000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const achieved = round(total / duration, 0);
  await consumer.disconnect();
  server.kill('SIGTERM');
  latencies.sort((a, b) => a - b);
  return `| receipt → partner topic at ${rate}/s for ${duration} s | ${latencies.length}/${total} accepted ones arrived (${refused} refused or failed) | p50 ${percentile(latencies, 0.5)} ms | p99 ${percentile(latencies, 0.99)} ms | max ${percentile(latencies, 1)} ms | accepted ${achieved}/s |`;
}

async function createTopics(topics: readonly string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-admin', brokers: brokers!, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await createMissingTopics(admin, topics, 3);
  await admin.disconnect();
}

async function fanOutRun(dir: string, recipients: number): Promise<{ recipients: number; seconds: number; deliveries: number }> {
  const store = await SqliteEventStore.open({ file: join(dir, `fanout-${recipients}.sqlite`) });
  const entitledParties = [SENDER, ...recipientsPool.slice(0, recipients)].sort();
  for (let n = 0; n < fanOutEvents; n += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, fanOutEvents - n) }, (_, k) => {
        const caseId = `IT-2026-${String(recipients).padStart(3, '0')}${String(n + k).padStart(6, '0')}`;
        const message = realisticCaseOpened(caseId, randomUUID(), SENDER, new Date());
        const data = { message, receivedAt: new Date().toISOString(), entitledParties };
        return store.append(
          `case-${caseId}`,
          [{ id: message.header.messageId, type: 'CaseOpened', data, metadata: { messageId: message.header.messageId, caseId, sender: SENDER } }],
          0,
        );
      }),
    );
  }
  const head = await store.headPosition();
  const channel = await KafkaDeliveryChannel.connect({ brokers: brokers!, partitions: 3, clientId: `bench-fanout-${recipients}` });
  await createTopics(recipientsPool.slice(0, recipients).map(partyTopic));
  const ledger = SqliteDeliveryLedger.open(join(dir, `deliveries-${recipients}.sqlite`));
  const directory = PartyDirectory.fromJson({ parties: [SENDER, ...recipientsPool].map((code) => ({ code, kind: 'bureau', apiKeys: [] })) });
  const keys = SqliteKeyStore.open(join(dir, `keys-${recipients}.sqlite`));
  const dispatcher = new Dispatcher(
    store,
    channel,
    ledger,
    directory,
    systemClock,
    new PersonalDataVault(keys),
    new AuditTrail(null),
    new ExchangeMetrics(),
    new EngineProbes(),
  );
  const started = performance.now();
  await dispatcher.onApplicationBootstrap();
  while ((await ledger.checkpoint()) !== head) await new Promise((resolve) => setTimeout(resolve, 5));
  const seconds = (performance.now() - started) / 1000;
  const deliveries = dispatcher.deliveredCount();
  await dispatcher.onApplicationShutdown();
  await ledger.close();
  await keys.close();
  await store.close();
  return { recipients, seconds, deliveries };
}

async function rawProduce(messages: number): Promise<string> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: brokers!, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const admin = kafka.admin();
  const topic = `cmx.bench.raw-${runId}`;
  await Promise.all([producer.connect(), admin.connect()]);
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
  const value = JSON.stringify({ caseId: 'IT-2026-1', position: '1', ...realisticCaseOpened('IT-2026-1', randomUUID(), SENDER, new Date()) });
  const started = performance.now();
  for (let sent = 0; sent < messages; sent += 500) {
    await producer.sendBatch({
      acks: -1,
      topicMessages: [{ topic, messages: Array.from({ length: Math.min(500, messages - sent) }, (_, k) => ({ key: `IT-2026-${sent + k}`, value })) }],
    });
  }
  const seconds = (performance.now() - started) / 1000;
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await Promise.all([producer.disconnect(), admin.disconnect()]);
  return `| raw kafkajs produce (batches of 500, idempotent, acks=all, ${messages} messages) | ${round(messages / seconds, 0)} messages/s |`;
}

async function main() {
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run `npm run -s engines:up` and export its settings');
  const dir = mkdtempSync(join(tmpdir(), 'cmx-bench-delivery-'));
  try {
    console.error(`machine: ${machine()}`);
    console.error(`1/3 latency at ${rate}/s for ${duration} s…`);
    const latency = await latencyRun(dir);
    console.error('2/3 fan-out with 1, 10, 100 recipients…');
    const fanOut: Awaited<ReturnType<typeof fanOutRun>>[] = [];
    for (const recipients of [1, 10, 100]) fanOut.push(await fanOutRun(dir, recipients));
    console.error('3/3 raw produce…');
    const raw = await rawProduce(fanOut[2].deliveries);
    console.log(`\nmachine: ${machine()}, Kafka at ${brokers.join(',')}`);
    console.log('| run | result | | | | |\n| --- | --- | --- | --- | --- | --- |');
    console.log(latency);
    console.log(
      '\n| recipients per message | messages | deliveries | seconds | deliveries/s | ms per message | × the cost of 1 |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    const perMessage = (run: (typeof fanOut)[number]) => (run.seconds * 1000) / fanOutEvents;
    for (const run of fanOut) {
      console.log(
        `| ${run.recipients} | ${fanOutEvents} | ${run.deliveries} | ${round(run.seconds, 2)} | ${round(run.deliveries / run.seconds, 0)} | ${round(perMessage(run), 3)} | ${round(perMessage(run) / perMessage(fanOut[0]), 2)} |`,
      );
    }
    console.log(`\n${raw}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
