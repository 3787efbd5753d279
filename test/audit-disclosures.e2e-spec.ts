import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { auditSigner, PostgresAuditLog, readSigningKey, trustedKeysOf, verifyAuditLog } from '@cmx/audit';
import { migrate } from '@cmx/event-store/postgres';
import { AuditItem, HONEST_VERIFY, readAuditLog, runAuditVerify, settle, waitUntil } from './support/audit-log';
import { testSigningKeyFile } from './support/audit-signing-key';
import { engineTest } from './support/engines';
import { ExchangeClient } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { KafkaDeliveryReader } from './support/kafka-deliveries';
import { messageOf, newCaseId } from './support/messages';
import { postCases } from './support/post-cases';
import { ServiceProcess, startServiceProcess } from './support/service-process';

const HYDRA = { scope: 'operation', operations: ['OP-HYDRA-2026'] }; // NCB-IT, NCB-GR, EUROPOL

/** What a disclose entry says, without its place in the chain. */
const disclosureOf = (item: AuditItem) => ({
  operation: item.operation,
  party: item.party,
  channel: item.channel,
  caseIds: item.caseIds,
  messageIds: item.messageIds,
  recipients: item.recipients,
  keyId: item.keyId,
  onBehalfOf: item.onBehalfOf,
  purpose: item.purpose,
  requestId: item.requestId,
});
const disclosure = (sender: string, channel: string, caseId: string, messageId: string, recipients: string[]) => ({
  operation: 'disclose',
  party: sender,
  channel,
  caseIds: [caseId],
  messageIds: [messageId],
  recipients,
  keyId: null,
  onBehalfOf: null,
  purpose: null,
  requestId: null,
});

/** Who the ledger says received the sender's message (its own timeline shows it), by channel. */
async function ledgerRecipients(exchange: InProcessExchange, sender: string, caseId: string): Promise<Map<string, string[]>> {
  const { status, body } = await new ExchangeClient(exchange.baseUrl, sender).timeline(caseId);
  expect(status).toBe(200);
  const recipients = new Map<string, string[]>();
  for (const entry of body.entries) {
    if (entry.sender !== sender) continue;
    recipients.set(
      entry.messageId,
      entry.recipients.map((recipient: { party: string; channel: string }) => `${recipient.party}:${recipient.channel}`),
    );
  }
  return recipients;
}

describe('disclose entries: each delivery the dispatcher records leaves one, written with the ledger', () => {
  let exchange: InProcessExchange | undefined;
  afterEach(async () => {
    await exchange?.close();
    exchange = undefined;
  });

  it('a feed delivery: one entry per message, the sender as party, exactly the parties it went to', async () => {
    exchange = await startInProcessExchange();
    const client = (party: string) => new ExchangeClient(exchange!.baseUrl, party);
    // NCB-ES takes only closures: of what is addressed to it below it receives nothing.
    expect((await client('NCB-ES').request('PUT', '/v1/subscriptions', JSON.stringify({ filters: [{ types: ['case.closed'] }] }))).status).toBe(200);
    const caseA = newCaseId();
    const caseB = newCaseId();
    const opened = messageOf('case.opened', {
      caseId: caseA,
      header: { distribution: { scope: 'recipients', recipients: ['NCB-GR', 'NCB-ES', 'EUROPOL'] } as never },
    });
    const toEsOnly = messageOf('case.updated', { caseId: caseA, header: { distribution: { scope: 'recipients', recipients: ['NCB-ES'] } as never } });
    const byEuropol = messageOf('case.opened', { caseId: caseB, sender: 'EUROPOL', header: { distribution: HYDRA as never } });
    expect((await client('NCB-IT').post(opened)).status).toBe(201);
    expect((await client('NCB-IT').post(toEsOnly)).status).toBe(201);
    expect((await client('EUROPOL').post(byEuropol)).status).toBe(201);
    await settle(exchange);

    const { items } = await readAuditLog(exchange.baseUrl);
    const disclosed = items.filter((item) => item.operation === 'disclose');
    expect(disclosed.map(disclosureOf)).toEqual([
      disclosure('NCB-IT', 'feed', caseA, opened.header.messageId, ['EUROPOL', 'NCB-GR']),
      disclosure('EUROPOL', 'feed', caseB, byEuropol.header.messageId, ['NCB-GR', 'NCB-IT']),
    ]); // the message NCB-ES's subscription held back was delivered to nobody: no entry
    // Each after its message's collect entry.
    for (const item of disclosed) {
      const collected = items.find((entry) => entry.operation === 'collect' && entry.messageIds[0] === item.messageIds[0])!;
      expect(Number(item.seq)).toBeGreaterThan(Number(collected.seq));
    }
    // The ledger and the log agree on who received what.
    const recipients = await ledgerRecipients(exchange, 'NCB-IT', caseA);
    expect(recipients.get(opened.header.messageId)).toEqual(['EUROPOL:feed', 'NCB-GR:feed']);
    expect(recipients.get(toEsOnly.header.messageId)).toEqual([]);

    // Reading the feed is a consult, not another disclosure.
    const { cursor } = await readAuditLog(exchange.baseUrl);
    const feed = await client('NCB-GR').request('GET', '/v1/feed');
    expect(feed.body.items).toHaveLength(2);
    await settle(exchange);
    const { items: after } = await readAuditLog(exchange.baseUrl, { after: cursor });
    expect(after.map((item) => [item.operation, item.party, item.channel])).toEqual([['consult', 'NCB-GR', 'feed']]);
  });

  engineTest('Kafka', 'KAFKA_BROKERS', 'a Kafka delivery: one entry with channel kafka once the topics have taken it', async (brokers) => {
    exchange = await startInProcessExchange({ DELIVERY: 'kafka', KAFKA_BROKERS: brokers });
    const caseId = newCaseId();
    const reader = await KafkaDeliveryReader.start(brokers, ['NCB-GR', 'EUROPOL', 'NCB-IT'], new Set([caseId]));
    try {
      const opened = messageOf('case.opened', { caseId, header: { distribution: HYDRA as never } });
      const toGr = messageOf('case.updated', { caseId, header: { distribution: { scope: 'recipients', recipients: ['NCB-GR'] } as never } });
      const client = new ExchangeClient(exchange.baseUrl, 'NCB-IT');
      expect((await client.post(opened)).status).toBe(201);
      expect((await client.post(toGr)).status).toBe(201);
      await reader.waitFor((received) => received.length >= 3, 30_000);
      expect(reader.received.map((delivery) => `${delivery.party}:${delivery.value.messageId}`).sort()).toEqual(
        [`EUROPOL:${opened.header.messageId}`, `NCB-GR:${opened.header.messageId}`, `NCB-GR:${toGr.header.messageId}`].sort(),
      );
      await settle(exchange);
      const { items } = await readAuditLog(exchange.baseUrl, { query: { operation: 'disclose' } });
      expect(items.map(disclosureOf)).toEqual([
        disclosure('NCB-IT', 'kafka', caseId, opened.header.messageId, ['EUROPOL', 'NCB-GR']),
        disclosure('NCB-IT', 'kafka', caseId, toGr.header.messageId, ['NCB-GR']),
      ]);
      const recipients = await ledgerRecipients(exchange, 'NCB-IT', caseId);
      expect(recipients.get(opened.header.messageId)).toEqual(['EUROPOL:kafka', 'NCB-GR:kafka']);
      expect(recipients.get(toGr.header.messageId)).toEqual(['NCB-GR:kafka']);
    } finally {
      await reader.stop();
    }
  });
});

describe('one chain for every process of the exchange (PostgreSQL)', () => {
  const processes: ServiceProcess[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'cmx-audit-pg-'));
  afterAll(async () => {
    await Promise.all(processes.splice(0).map((service) => service.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  engineTest(
    'PostgreSQL',
    'DATABASE_URL',
    'two gateways posting at once and a dispatcher disclosing meanwhile append to one chain, with no fork and no gap, that audit:verify passes',
    async (databaseUrl) => {
      const schema = `cmx_audit_e2e_${process.pid}_${Date.now() % 1_000_000}`;
      const pool = new Pool({ connectionString: databaseUrl, max: 2 });
      try {
        await migrate(pool, schema);
        const env = { EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, DATA_DIR: dataDir, AUDIT_CHECKPOINT_ENTRIES: '25' };
        const gateways = await Promise.all([startServiceProcess('gateway', env), startServiceProcess('gateway', env)]);
        processes.push(...gateways, await startServiceProcess('dispatcher', env));
        const posted = await postCases(
          gateways.map((gateway) => gateway.baseUrl),
          40,
          5,
          20261202,
        );
        expect(posted).toHaveLength(200);
        const delivered = posted.filter((message) => message.recipients.length > 0);
        const count = async (operation: string) =>
          Number((await pool.query(`SELECT count(*) AS n FROM "${schema}".audit_entries WHERE operation = $1`, [operation])).rows[0].n);
        await waitUntil('every delivery is disclosed', async () => (await count('disclose')) >= delivered.length, 60_000, 200);
        await Promise.all(processes.splice(0).map((service) => service.stop()));

        const { rows } = await pool.query<{ seq: string; operation: string; entry: string }>(
          `SELECT e.seq::text AS seq, e.operation, e.entry FROM "${schema}".audit_entries e ORDER BY e.seq`,
        );
        expect(rows.map((row) => Number(row.seq))).toEqual(rows.map((_, n) => n + 1));
        const entries = rows.map(
          (row) =>
            JSON.parse(row.entry) as { seq: number; operation: string; party: string; cases: [string, string[]][]; recipients: string[]; channel: string },
        );
        entries.forEach((entry, n) => expect(entry.seq).toBe(n + 1));
        const collects = entries.filter((entry) => entry.operation === 'collect');
        expect(collects.map((entry) => entry.cases[0][1][0]).sort()).toEqual(posted.map((message) => message.messageId).sort());
        const disclosures = new Map(entries.filter((entry) => entry.operation === 'disclose').map((entry) => [entry.cases[0][1][0], entry]));
        expect(disclosures.size).toBe(delivered.length);
        for (const message of delivered) {
          expect([message.messageId, disclosures.get(message.messageId)?.recipients, disclosures.get(message.messageId)?.cases]).toEqual([
            message.messageId,
            message.recipients,
            [[message.caseId, [message.messageId]]],
          ]);
        }
        const checkpoints = Number((await pool.query(`SELECT count(*) AS n FROM "${schema}".audit_checkpoints`)).rows[0].n);
        expect(checkpoints).toBeGreaterThanOrEqual(3);

        const verified = await runAuditVerify({
          EVENT_STORE: 'postgres',
          DATABASE_URL: databaseUrl,
          DATABASE_SCHEMA: schema,
          AUDIT_SIGNING_KEY_FILE: testSigningKeyFile(),
        });
        expect([verified.code, verified.stdout]).toEqual([0, expect.stringMatching(HONEST_VERIFY)]);
        expect(Number(HONEST_VERIFY.exec(verified.stdout)![1])).toBe(rows.length);

        const log = PostgresAuditLog.open(databaseUrl, schema, {
          signer: auditSigner(generateKeyPairSync('ed25519').privateKey),
          everyEntries: 1_000,
          everyMs: 60_000,
        });
        try {
          const result = await verifyAuditLog(log, trustedKeysOf([createPublicKey(readSigningKey(testSigningKeyFile()))]), { pageSize: 64 });
          expect(result).toMatchObject({ ok: true, entries: rows.length, checkpoints });
        } finally {
          await log.close();
        }
      } finally {
        await Promise.all(processes.splice(0).map((service) => service.stop()));
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.end();
      }
    },
    180_000,
  );
});
