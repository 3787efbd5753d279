import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { engineTest, inFreshSchema } from './support/engines';
import { KafkaDeliveryReader, ReceivedDelivery } from './support/kafka-deliveries';
import { expectedCount, Posted, postCases } from './support/post-cases';
import { DEMO_PARTY_CODES, seededRandom } from './support/reference-entitlement';
import { ServiceProcess, startServiceProcess, whileKillingRepeatedly } from './support/service-process';

const distinctDeliveries = (received: readonly ReceivedDelivery[]) => new Set(received.map((r) => `${r.party}|${r.value.messageId}`)).size;

/** Every party got exactly what it is entitled to (repeats dropped by message-id), each case in order, keyed and labelled right. */
function expectExactDelivery(posted: readonly Posted[], received: readonly ReceivedDelivery[], allowRepeats: boolean): void {
  const byId = new Map(posted.map((message) => [message.messageId, message]));
  for (const party of DEMO_PARTY_CODES) {
    const mine = received.filter((delivery) => delivery.party === party);
    const seen = new Set<string>();
    const firstOccurrences = mine.filter((delivery) => !seen.has(delivery.value.messageId) && seen.add(delivery.value.messageId));
    if (!allowRepeats) expect(firstOccurrences).toHaveLength(mine.length);
    const expected = posted
      .filter((message) => message.recipients.includes(party))
      .map((message) => message.messageId)
      .sort();
    expect(firstOccurrences.map((delivery) => delivery.value.messageId).sort()).toEqual(expected);
    const lastVersionOfCase = new Map<string, number>();
    for (const delivery of firstOccurrences) {
      const message = byId.get(delivery.value.messageId)!;
      expect(delivery.key).toBe(message.caseId);
      expect(delivery.headers).toEqual({ 'message-id': message.messageId, 'message-type': delivery.value.type, 'case-version': String(message.caseVersion) });
      expect(delivery.value.caseVersion).toBe(message.caseVersion);
      expect(delivery.value.caseVersion).toBeGreaterThan(lastVersionOfCase.get(message.caseId) ?? 0);
      lastVersionOfCase.set(message.caseId, delivery.value.caseVersion);
    }
  }
}

/** What a run that stopped short shows: the missing deliveries, the dispatcher's health and last output, PostgreSQL's open write transactions. */
async function whyStalled(
  dispatcher: ServiceProcess,
  posted: readonly Posted[],
  received: readonly ReceivedDelivery[],
  env: Record<string, string>,
): Promise<string> {
  const got = new Set(received.map((delivery) => `${delivery.party}|${delivery.value.messageId}`));
  const missing = posted.flatMap((message) =>
    message.recipients.filter((party) => !got.has(`${party}|${message.messageId}`)).map((party) => ({ party, message })),
  );
  const lines = [
    `missing ${missing.length}: first ${JSON.stringify(missing.slice(0, 5).map(({ party, message }) => ({ party, caseId: message.caseId, caseVersion: message.caseVersion })))}`,
    `dispatcher /health: ${await fetch(`${dispatcher.baseUrl}/health`)
      .then((response) => response.text())
      .catch((error: Error) => error.message)}`,
  ];
  if (env.DATABASE_URL) {
    const pool = new Pool({ connectionString: env.DATABASE_URL, max: 1 });
    const rowsOf = (sql: string, params: unknown[] = []) =>
      pool
        .query(sql, params)
        .then((result) => JSON.stringify(result.rows))
        .catch((error: Error) => error.message);
    const schema = env.DATABASE_SCHEMA ?? 'cmx';
    // Transactions that hold a lock without having written (an audit append waiting for the chain's advisory lock) hold no id.
    const [open, inTransaction, advisory, positions] = [
      await rowsOf(
        `SELECT pid, backend_xid::text, state, now() - xact_start AS running, left(query, 200) AS query FROM pg_stat_activity WHERE backend_xid IS NOT NULL`,
      ),
      await rowsOf(
        `SELECT pid, state, wait_event_type, wait_event, now() - xact_start AS running, left(query, 200) AS query FROM pg_stat_activity WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid()`,
      ),
      await rowsOf(`SELECT pid, granted, mode FROM pg_locks WHERE locktype = 'advisory'`),
      await rowsOf(
        `SELECT (SELECT position::text FROM "${schema}".delivery_checkpoint) AS checkpoint, (SELECT max(transaction_id)::text FROM "${schema}".events) AS head_transaction, pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, (SELECT max(seq)::text FROM "${schema}".audit_entries) AS audit_head`,
      ),
    ];
    const missingIds = [...new Set(missing.map(({ message }) => message.messageId.toLowerCase()))];
    const whereMissing = await rowsOf(
      `SELECT count(*) AS events, min(e.transaction_id::text) AS first_transaction, max(e.transaction_id::text) AS last_transaction,
              count(DISTINCT e.transaction_id) AS transactions,
              (SELECT count(DISTINCT message_id) FROM "${schema}".deliveries WHERE message_id = ANY($1::text[])) AS in_ledger
         FROM "${schema}".events e WHERE e.id = ANY($1::text[])`,
      [missingIds],
    );
    await pool.end();
    lines.push(`the ${missingIds.length} messages missing: in the store and in the ledger: ${whereMissing}`);
    lines.push(`dispatcher starts: ${dispatcherStarts(dispatcher.output())}`);
    lines.push(`PostgreSQL transactions holding a transaction id: ${open}`);
    lines.push(`PostgreSQL sessions in a transaction: ${inTransaction}`);
    lines.push(`PostgreSQL advisory locks: ${advisory}`);
    lines.push(`dispatcher checkpoint, the store's newest transaction, the cluster's xmin, audit head: ${positions}`);
  }
  lines.push(`dispatcher output (last 3,000 characters):\n${dispatcher.output().slice(-3_000)}`);
  return lines.join('\n');
}

/** The positions each dispatcher run started after, as its JSON log lines say. */
const dispatcherStarts = (output: string): string => [...output.matchAll(/"msg":"dispatching over \w+ from ([^"]+)"/g)].map((match) => match[1]).join('; ');

describe('dispatcher over Kafka (gateway and dispatcher as separate processes on one SQLite store)', () => {
  const dataDirs: string[] = [];
  const processes: ServiceProcess[] = [];
  const newDataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmx-dispatch-'));
    dataDirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((service) => service.stop()));
  });
  afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  engineTest('Kafka', 'KAFKA_BROKERS', 'delivers every message to exactly the entitled parties’ topics, keyed by case, in case order', async (brokers) => {
    const env = { DATA_DIR: newDataDir(), KAFKA_BROKERS: brokers, DELIVERY: 'kafka' };
    const gateway = await startServiceProcess('gateway', env);
    processes.push(gateway, await startServiceProcess('dispatcher', env));
    const posted = await postCases([gateway.baseUrl], 40, 6, 20261122);
    const reader = await KafkaDeliveryReader.start(brokers, DEMO_PARTY_CODES, new Set(posted.map((message) => message.caseId)));
    try {
      await reader.waitFor((received) => received.length >= expectedCount(posted), 60_000);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expectExactDelivery(posted, reader.received, false);
    } finally {
      await reader.stop();
    }
  });

  /** 10,000 messages through the gateways while the dispatcher is killed with SIGKILL at random points and restarted. */
  async function killDispatcherDuringRun(env: Record<string, string>, gatewayCount: number, brokers: string): Promise<void> {
    const gateways = await Promise.all(Array.from({ length: gatewayCount }, () => startServiceProcess('gateway', env)));
    processes.push(...gateways);
    const {
      result: posted,
      survivor: dispatcher,
      kills,
    } = await whileKillingRepeatedly('dispatcher', env, seededRandom(7), { minMs: 300, spreadMs: 1500, minKills: 3 }, () =>
      postCases(
        gateways.map((gateway) => gateway.baseUrl),
        500,
        20,
        11,
      ),
    );
    processes.push(dispatcher);
    expect(posted).toHaveLength(10_000);
    expect(kills).toBeGreaterThanOrEqual(3);

    const reader = await KafkaDeliveryReader.start(brokers, DEMO_PARTY_CODES, new Set(posted.map((message) => message.caseId)));
    try {
      await reader
        .waitFor((received) => distinctDeliveries(received) >= expectedCount(posted), 240_000)
        .catch(async (error: Error) => {
          throw new Error(`${error.message}\n${await whyStalled(dispatcher, posted, reader.received, env)}`);
        });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expectExactDelivery(posted, reader.received, true);
      console.info(
        `${gatewayCount} gateway(s); dispatcher killed ${kills} times; ${reader.received.length} deliveries read, ${expectedCount(posted)} distinct expected`,
      );
    } finally {
      await reader.stop();
    }
  }

  engineTest(
    'Kafka',
    'KAFKA_BROKERS',
    'kill -9 of the dispatcher at random points during a 10,000-message run: nothing missing, nothing out of case order, nothing to a party not entitled',
    (brokers) => killDispatcherDuringRun({ DATA_DIR: newDataDir(), KAFKA_BROKERS: brokers, DELIVERY: 'kafka' }, 1, brokers),
    480_000,
  );

  engineTest(
    'Kafka and PostgreSQL',
    ['KAFKA_BROKERS', 'DATABASE_URL'],
    'the same run on the PostgreSQL store with three concurrent gateways',
    async (brokers) => {
      const databaseUrl = process.env.DATABASE_URL as string;
      await inFreshSchema(
        databaseUrl,
        (schema) =>
          killDispatcherDuringRun(
            { DATA_DIR: newDataDir(), KAFKA_BROKERS: brokers, DELIVERY: 'kafka', EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema },
            3,
            brokers,
          ),
        () => Promise.all(processes.splice(0).map((service) => service.stop())),
      );
    },
    480_000,
  );
});
