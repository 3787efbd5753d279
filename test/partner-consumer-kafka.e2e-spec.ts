import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, Kafka, logLevel } from 'kafkajs';
import type { MessageType } from '@cmx/contracts';
import { exampleMessage } from '@cmx/contracts/testing';
import { partyTopic } from '@cmx/delivery';
import { hashApiKey } from '@cmx/parties';
import { engineTest } from './support/engines';
import { erasureRequest, uniqueToken } from './support/erasure';
import { ExchangeClient } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, newCaseId } from './support/messages';
import {
  groupCaughtUp,
  partnerFile,
  partnerFileBytesHold,
  PartnerConsumerProcess,
  produceAgain,
  rawRecordsOf,
  startPartnerConsumer,
  until,
} from './support/partner-consumer';
import { parsePartyTopicsContract, recordProblems } from './support/partner-consumer-contract';

/**
 * The partner consumer example (examples/partner-consumer) as a real process against the real Kafka of an exchange
 * delivering with DELIVERY=kafka: it stores each message of its party's topic once, drops repeats by message-id (a
 * record written again onto the topic, a kill -9 and restart, the whole topic read again from the beginning),
 * acknowledges what it handled (the sender's timeline shows it), and deletes the stored copies an erasure notice names.
 *
 * The partner is a party of its own, new in each run, so that its topic and consumer group hold only this test's
 * deliveries (the demo parties' topics hold every earlier run's).
 */

const OWNER = 'NCB-IT';
const OTHER_PARTY = 'NCB-GR';
const DEMO_PARTIES = join(__dirname, '..', 'config', 'demo-parties.json');

interface Posted {
  readonly messageId: string;
  readonly caseId: string;
  readonly caseVersion: number;
  readonly type: string;
}

const ids = (items: readonly { messageId: string }[]) => items.map((item) => item.messageId.toLowerCase()).sort();

describe('the partner consumer example against the exchange’s Kafka', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  }, 60_000);

  engineTest(
    'Kafka',
    'KAFKA_BROKERS',
    'stores each delivery once, drops repeats by message-id (a record produced again, a kill -9 and restart, the topic read again from its beginning), acknowledges to the exchange, and deletes the copies an erasure notice names',
    async (brokers) => {
      const partner = `PARTNER-${randomUUID().slice(0, 8).toUpperCase()}`;
      const partnerKey = `partner-key-${randomUUID()}`;
      const topic = partyTopic(partner);
      const groupId = `cmx-partner-${partner.toLowerCase()}`;
      const directory = mkdtempSync(join(tmpdir(), 'cmx-partner-consumer-'));
      cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
      const partiesFile = join(directory, 'parties.json');
      const demo = JSON.parse(readFileSync(DEMO_PARTIES, 'utf8'));
      writeFileSync(partiesFile, JSON.stringify({ ...demo, parties: [...demo.parties, { code: partner, kind: 'agency', apiKeys: [hashApiKey(partnerKey)] }] }));
      const dataFile = join(directory, 'partner-data', `${partner.toLowerCase()}.sqlite`);

      const kafka = new Kafka({ clientId: 'cmx-test-partner-consumer', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
      const admin: Admin = kafka.admin();
      await admin.connect();
      cleanups.push(async () => {
        await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
        await admin.deleteGroups([groupId]).catch(() => undefined);
        await admin.disconnect();
      });

      const exchange: InProcessExchange = await startInProcessExchange({ CASE_EXCHANGE_PARTIES: partiesFile, DELIVERY: 'kafka', KAFKA_BROKERS: brokers });
      cleanups.push(() => exchange.close());
      const owner = new ExchangeClient(exchange.baseUrl, OWNER);

      const posted: Posted[] = [];
      const post = async (type: MessageType, caseId: string, recipients: readonly string[], body?: object): Promise<Posted> => {
        const message = messageOf(type, { caseId, sender: OWNER, header: { distribution: { scope: 'recipients', recipients: [...recipients] } }, body });
        const answer = await owner.post(message);
        expect([type, caseId, answer.status]).toEqual([type, caseId, 201]);
        const sent = { messageId: message.header.messageId, caseId, caseVersion: answer.body.caseVersion, type };
        posted.push(sent);
        return sent;
      };
      const forPartner = () => posted.filter((message) => message.caseId !== caseC);

      let consumer: PartnerConsumerProcess | undefined;
      const startConsumer = () => {
        consumer = startPartnerConsumer({
          PARTY: partner,
          KAFKA_BROKERS: brokers,
          PARTNER_DATA_FILE: dataFile,
          EXCHANGE_URL: exchange.baseUrl,
          EXCHANGE_API_KEY: partnerKey,
        });
        return consumer;
      };
      cleanups.push(() => consumer?.stop());
      const consumerOutput = () => `partner consumer output:\n${consumer?.output() ?? '(not started)'}`;
      const fileHolds = (wanted: readonly Posted[], what: string, timeoutMs = 60_000) =>
        until(
          () => partnerFile(dataFile),
          (file) => JSON.stringify(ids(file.copies)) === JSON.stringify(ids(wanted)),
          what,
          timeoutMs,
          consumerOutput,
        );

      // Person P1 of case A is the one erased later: every value of it is a token found (or not) in the file's bytes.
      const erasedValues = { familyName: uniqueToken('FAM'), givenNames: uniqueToken('GIV') };
      const fullReport = exampleMessage('case.opened').body;
      const caseA = newCaseId();
      const caseB = newCaseId();
      const caseC = newCaseId();
      const a1 = await post('case.opened', caseA, [partner, OTHER_PARTY], {
        ...fullReport,
        persons: [{ ...fullReport.persons![0], ...erasedValues }, fullReport.persons![1]],
      });
      await post('case.updated', caseA, [partner]);
      await post('case.opened', caseB, [partner]);
      await post('case.opened', caseC, [OTHER_PARTY]);

      // 1. The dispatcher creates the partner's topic; the consumer is started after it, as the example's README says.
      await until(
        () => admin.listTopics(),
        (topics) => topics.includes(topic),
        `topic ${topic} created by the dispatcher`,
        30_000,
      );
      startConsumer();
      await fileHolds(forPartner(), 'the first deliveries stored');
      expect(consumerOutput()).toContain(`consuming ${topic} as group ${groupId}`);

      // 2. Delivered while it runs; each copy is the delivery as received, once, and its id handled once.
      await post('case.updated', caseB, [partner]);
      let file = await fileHolds(forPartner(), 'a delivery made while the consumer runs stored');
      expect(file.copies.map((copy) => [copy.messageId, copy.caseId, copy.caseVersion, copy.type])).toEqual(
        [...forPartner()]
          .sort((x, y) => x.caseId.localeCompare(y.caseId) || x.caseVersion - y.caseVersion)
          .map((message) => [message.messageId, message.caseId, message.caseVersion, message.type]),
      );
      for (const copy of file.copies)
        expect(copy.value).toMatchObject({ caseId: copy.caseId, messageId: copy.messageId, caseVersion: copy.caseVersion, type: copy.type, sender: OWNER });
      expect(ids(file.handled)).toEqual(ids(forPartner()));
      expect(partnerFileBytesHold(dataFile, erasedValues.familyName)).toBe(true);

      // 3. The exchange shows each acknowledgement on the sender's timeline: the partner received it by Kafka, and acknowledged it.
      const partnerOnTimeline = async (caseId: string) =>
        ((await owner.timeline(caseId)).body.entries as any[]).map((entry) => ({
          messageId: entry.messageId,
          type: entry.type,
          partner: (entry.recipients as any[]).find((recipient) => recipient.party === partner),
        }));
      for (const caseId of [caseA, caseB]) {
        const entries = await until(
          () => partnerOnTimeline(caseId),
          (all) => all.every((entry) => typeof entry.partner?.acknowledgedAt === 'string'),
          `the partner's acknowledgements of case ${caseId} on the sender's timeline`,
          30_000,
          consumerOutput,
        );
        for (const entry of entries)
          expect(entry.partner).toEqual({ party: partner, channel: 'kafka', deliveredAt: expect.any(String), acknowledgedAt: expect.any(String) });
      }
      file = partnerFile(dataFile);
      expect(file.handled.every((handled) => handled.acknowledgedAt !== null)).toBe(true);
      const firstHandling = new Map(file.handled.map((handled) => [handled.messageId, handled.handledAt]));
      const firstStoring = new Map(file.copies.map((copy) => [copy.messageId, copy.storedAt]));

      // 4. A repeat, byte for byte, of A1's record (what the exchange sends again after a crash) is dropped. The next
      //    message of case A follows it on the same partition (key = caseId): once that one is stored, the repeat was read.
      const recordOfA1 = (await rawRecordsOf(brokers, topic)).filter((record) => record.headers['message-id']?.toString() === a1.messageId);
      expect(recordOfA1).toHaveLength(1);
      await produceAgain(brokers, topic, recordOfA1);
      await post('case.updated', caseA, [partner]);
      file = await fileHolds(forPartner(), 'the message after the repeat stored');
      expect(file.copies.filter((copy) => copy.messageId === a1.messageId)).toEqual([expect.objectContaining({ storedAt: firstStoring.get(a1.messageId) })]);
      expect(file.handled.filter((handled) => handled.messageId === a1.messageId)).toEqual([
        expect.objectContaining({ handledAt: firstHandling.get(a1.messageId) }),
      ]);
      expect(consumerOutput()).toContain(`repeat of ${a1.messageId} dropped (message id seen before)`);

      // 5. kill -9, deliveries made while it is down, a restart on the same file: each stored once, nothing lost.
      await consumer!.kill9();
      await post('case.updated', caseA, [partner]);
      await post('case.updated', caseB, [partner]);
      startConsumer();
      file = await fileHolds(forPartner(), 'the deliveries made while the consumer was down stored after its restart', 120_000);
      expect(ids(file.handled)).toEqual(ids(forPartner()));
      for (const [messageId, storedAt] of firstStoring) expect(file.copies.find((copy) => copy.messageId === messageId)?.storedAt).toBe(storedAt);

      // 6. Person P1 of case A erased by its owner: the notice names A1 (the only message holding P1); the consumer
      //    deletes its copy, content and all, keeps the rest of the case, and acknowledges the notice.
      const erasure = await erasureRequest(owner, caseA, { personRefs: ['P1'], reason: 'identity shown to be wrong', legalBasis: 'LED Art. 16(2)' });
      expect(erasure.status).toBe(201);
      const noticeId: string = erasure.body.messageId;
      const withoutA1 = forPartner().filter((message) => message.messageId !== a1.messageId);
      file = await fileHolds(withoutA1, 'the copy the erasure notice names deleted');
      expect(file.handled.find((handled) => handled.messageId.toLowerCase() === noticeId.toLowerCase())).toMatchObject({
        type: 'erasure.notice',
        caseId: caseA,
      });
      expect(file.handled.find((handled) => handled.messageId === a1.messageId)).toBeDefined();
      await until(
        () => Object.values(erasedValues).some((value) => partnerFileBytesHold(dataFile, value)),
        (held) => !held,
        'the erased values out of the file and its WAL',
        15_000,
      );
      const erasedEntry = await until(
        async () => (await partnerOnTimeline(caseA)).find((entry) => entry.type === 'case.erased'),
        (entry) => typeof entry?.partner?.acknowledgedAt === 'string',
        'the partner’s acknowledgement of the erasure on the owner’s timeline',
        30_000,
        consumerOutput,
      );
      expect(erasedEntry!.messageId.toLowerCase()).toBe(noticeId.toLowerCase());
      expect(consumerOutput()).toMatch(
        new RegExp(`erasure notice ${noticeId} on case ${caseA} v\\d+ from ${OWNER}, 1 person\\(s\\): 1 message\\(s\\) named, 1 stored message\\(s\\) deleted`),
      );
      expect(consumerOutput()).not.toContain(erasedValues.familyName);

      // 7. The whole of case B erased: every stored message of the case goes.
      const wholeCase = await erasureRequest(owner, caseB, { wholeCase: true, reason: 'retention period over', legalBasis: 'LED Art. 5' });
      expect(wholeCase.status).toBe(201);
      const caseAOnly = withoutA1.filter((message) => message.caseId === caseA);
      file = await fileHolds(caseAOnly, 'every copy of case B deleted by the whole-case notice');
      expect(
        file.handled
          .filter((handled) => handled.type === 'erasure.notice')
          .map((handled) => handled.caseId)
          .sort(),
      ).toEqual([caseA, caseB].sort());

      // 8. The consumer group started again from the topic's beginning: every record, A1 with P1's data among them,
      //    is a repeat. Nothing comes back, nothing is stored twice, and nothing is handled again.
      await until(
        () => partnerFile(dataFile).handled,
        (handled) => handled.every((delivery) => delivery.acknowledgedAt !== null),
        'every delivery handled acknowledged',
        30_000,
        consumerOutput,
      );
      await consumer!.stop();
      const before = partnerFile(dataFile);
      await until(
        () =>
          admin.resetOffsets({ groupId, topic, earliest: true }).then(
            () => true,
            () => false,
          ),
        (reset) => reset,
        `the offsets of ${groupId} reset to the beginning (the group empty)`,
        60_000,
      );
      expect(await groupCaughtUp(admin, groupId, topic)).toBe(false);
      const replay = startConsumer();
      await until(
        () => groupCaughtUp(admin, groupId, topic),
        (caughtUp) => caughtUp,
        'the whole topic read again',
        120_000,
        consumerOutput,
      );
      const after = partnerFile(dataFile);
      expect(after).toEqual(before);
      expect(after.copies.map((copy) => copy.messageId)).not.toContain(a1.messageId);
      expect(partnerFileBytesHold(dataFile, erasedValues.familyName)).toBe(false);
      const records = await rawRecordsOf(brokers, topic);
      const dropped = replay.output().match(/repeat of \S+ dropped/g) ?? [];
      expect(dropped.length).toBeGreaterThanOrEqual(records.length);

      // 9. What the exchange wrote on the partner's topic is what docs/asyncapi.yaml describes.
      const contract = await parsePartyTopicsContract();
      const asText = (bytes: Buffer | null) => bytes?.toString('utf8');
      const described = records.map((record) => {
        const headers = Object.fromEntries(Object.entries(record.headers).map(([name, value]) => [name, String(value)]));
        return {
          at: `${record.partition}@${record.offset}`,
          type: headers['message-type'],
          problems: recordProblems(contract, { key: asText(record.key), headers, value: asText(record.value) }),
        };
      });
      expect(described.filter((record) => record.problems.length > 0)).toEqual([]);
      expect(described.filter((record) => record.type === 'erasure.notice')).toHaveLength(2);
    },
    420_000,
  );
});
