import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { engineTest } from '../support/engines';

// Proves that the engines named by the settings of `npm run -s engines:up` are real:
// a Kafka broker that keeps per-key order with an idempotent, acks=all producer, and a PostgreSQL.
// Without a setting the test fails in CI (CI=true) and is reported as not run elsewhere.

describe('Kafka engine (KAFKA_BROKERS)', () => {
  engineTest('Kafka', 'KAFKA_BROKERS', 'keeps every key in order: 100 keyed messages over 3 partitions, idempotent producer, acks=all', async (brokers) => {
    const kafka = new Kafka({
      clientId: 'cmx-engines-test',
      brokers: brokers.split(',').map((broker) => broker.trim()),
      logLevel: logLevel.ERROR,
    });
    const topic = `cmx.engines-test.${randomUUID()}`;
    const keys = Array.from({ length: 10 }, (_, n) => `case-${n}`);
    const perKey = 10;
    const admin = kafka.admin();
    let producer: Producer | undefined;
    let consumer: Consumer | undefined;
    await admin.connect();
    try {
      const created = await admin.createTopics({
        topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      expect(created).toBe(true);
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(metadata.partitions).toHaveLength(3);

      producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      for (let seq = 0; seq < perKey; seq++) {
        const results = await producer.send({
          topic,
          acks: -1,
          messages: keys.map((key) => ({
            key,
            value: JSON.stringify({ key, seq }),
            headers: { 'message-id': randomUUID() },
          })),
        });
        expect(results.every((result) => result.errorCode === 0)).toBe(true);
      }

      const received: { key: string; seq: number; partition: number; messageId: string }[] = [];
      consumer = kafka.consumer({ groupId: `cmx-engines-test-${randomUUID()}` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const all = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`received ${received.length} of ${keys.length * perKey} messages within 60 s`)), 60_000);
        void consumer!.run({
          eachMessage: async ({ partition, message }) => {
            const { key, seq } = JSON.parse(message.value!.toString()) as { key: string; seq: number };
            expect(message.key?.toString()).toBe(key);
            received.push({ key, seq, partition, messageId: message.headers!['message-id']!.toString() });
            if (received.length >= keys.length * perKey) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
      await all;

      expect(received).toHaveLength(keys.length * perKey);
      expect(new Set(received.map((r) => r.messageId)).size).toBe(keys.length * perKey);
      for (const key of keys) {
        const ofKey = received.filter((r) => r.key === key);
        expect({ key, seqs: ofKey.map((r) => r.seq) }).toEqual({ key, seqs: Array.from({ length: perKey }, (_, n) => n) });
        expect(new Set(ofKey.map((r) => r.partition)).size).toBe(1);
      }
      expect(new Set(received.map((r) => r.partition)).size).toBeGreaterThan(1);
    } finally {
      await consumer?.disconnect().catch(() => undefined);
      await producer?.disconnect().catch(() => undefined);
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});

describe('PostgreSQL engine (DATABASE_URL)', () => {
  engineTest('PostgreSQL', 'DATABASE_URL', 'answers queries in the named database', async (url) => {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string; version: number }>(
        "SELECT current_database() AS db, current_setting('server_version_num')::int AS version",
      );
      expect(rows[0].db).toBe(decodeURIComponent(new URL(url).pathname.slice(1)));
      expect(rows[0].version).toBeGreaterThanOrEqual(120000);

      await client.query('BEGIN');
      await client.query('CREATE TEMP TABLE engines_probe (n int) ON COMMIT DROP');
      await client.query('INSERT INTO engines_probe SELECT generate_series(1, 100)');
      const sum = await client.query<{ total: string }>('SELECT sum(n) AS total FROM engines_probe');
      await client.query('COMMIT');
      expect(sum.rows[0].total).toBe('5050');
    } finally {
      await client.end();
    }
  });
});
