import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { Kafka, logLevel } from 'kafkajs';
import { CmfMessage, MESSAGE_TYPES, PRIORITIES, validateCmfMessage } from '@cmx/contracts';
import { exampleMessage } from '@cmx/contracts/testing';
import { AnyCaseEvent, CaseState, caseStreamName, decide, decideProtection, evolve, initialCaseState } from '@cmx/case-domain';
import {
  Delivery,
  DELIVERY_HEADERS,
  DeliveryPayload,
  deliveryHeaders,
  ErasureNoticePayload,
  KafkaDeliveryChannel,
  MessagePayload,
  partyTopic,
} from '@cmx/delivery';
import type { StoredEvent } from '@cmx/event-store';
import { PartyDirectory } from '@cmx/parties';
import { loadConfig } from '@cmx/platform';
import { deliveriesOf } from '../apps/dispatcher/src/dispatch-events/deliveries-of';
import { erasureNoticesOf } from '../apps/dispatcher/src/dispatch-events/erasure-notices-of';
import { SubscriptionBook } from '../apps/dispatcher/src/subscriptions/subscription-book';
import { loadPartnerConfig, deliveryTopicOf } from '../examples/partner-consumer/src/partner-config';
import { engineTest } from './support/engines';
import { newCaseId } from './support/messages';
import { DescribedMessage, JsonSchemaObject, parsePartyTopicsContract, problems, schemaCompiler } from './support/partner-consumer-contract';

/**
 * docs/asyncapi.yaml against the code that writes the party topics: the document parses without an error, its
 * channel is the dispatcher's topic name, its payload schemas hold exactly the fields the dispatcher's delivery
 * builders emit (real deliveries, built by deliveriesOf and erasureNoticesOf from events the domain decided), and,
 * with Kafka, the records the Kafka channel writes (key, header names and values, value) are what it describes.
 */

const DEMO_PARTIES = JSON.parse(readFileSync(join(__dirname, '..', 'config', 'demo-parties.json'), 'utf8'));
const NOW = new Date();

const sorted = (values: Iterable<string>) => [...values].sort();

/** The headers the code gives a record (KafkaDeliveryChannel writes them). */
const headersOf = (payload: DeliveryPayload): Record<string, string | number> => deliveryHeaders(payload);

/**
 * One case through the exchange’s own domain and dispatcher functions: a message of every CMF/1 type, decided in
 * order, each turned into deliveries by deliveriesOf; then erasures of a person and of the whole case, each turned
 * into notices by erasureNoticesOf for the parties that received the messages concerned.
 */
function deliveriesThroughTheDispatcher(): { messages: Delivery[]; personNotices: Delivery[]; wholeCaseNotices: Delivery[] } {
  const directory = PartyDirectory.fromJson(DEMO_PARTIES);
  const caseId = newCaseId();
  const stored: StoredEvent[] = [];
  let state: CaseState = initialCaseState;
  const store = (event: AnyCaseEvent): StoredEvent => {
    state = evolve(state, event);
    const storedEvent = {
      id: event.metadata.messageId,
      type: event.type,
      streamName: caseStreamName(caseId),
      streamVersion: state.version,
      data: event.data as never,
      metadata: event.metadata as never,
      position: String(1_000 + stored.length * 7),
      recordedAt: NOW.toISOString(),
    };
    stored.push(storedEvent);
    return storedEvent;
  };
  const subscriptions = new SubscriptionBook();
  const messages: Delivery[] = [];
  let requestId = '';
  for (const type of MESSAGE_TYPES) {
    const example = exampleMessage(type);
    const messageId = randomUUID();
    const header = {
      ...example.header,
      messageId,
      caseId,
      sentAt: NOW.toISOString(),
      expectedCaseVersion: state.version,
      inReplyTo: type === 'information.provided' ? requestId : null,
    };
    const message = { header, body: example.body } as unknown as CmfMessage;
    const validation = validateCmfMessage(message, { now: NOW });
    if (!validation.ok) throw new Error(`${type}: ${JSON.stringify(validation.violations)}`);
    if (type === 'information.requested') requestId = messageId;
    const [event] = decide({ message, caller: header.sender, receivedAt: NOW, directory }, state);
    messages.push(...deliveriesOf(store(event), subscriptions));
  }

  const receivedBy = new Map<string, Set<string>>();
  for (const { party, payload } of messages)
    receivedBy.set(payload.messageId.toLowerCase(), (receivedBy.get(payload.messageId.toLowerCase()) ?? new Set()).add(party));
  const history = () => stored as unknown as AnyCaseEvent[];
  const erase = (target: { personRefs: string[] } | { wholeCase: true }) => {
    const event = decideProtection(
      {
        caseId,
        eventId: randomUUID(),
        kind: 'erase',
        target,
        reason: 'identity shown to be wrong',
        legalBasis: 'LED Art. 16(2)',
        caller: 'NCB-IT',
        callerIsAdmin: false,
        receivedAt: NOW,
      },
      state,
      history(),
    );
    return erasureNoticesOf(store(event), receivedBy);
  };
  const personNotices = erase({ personRefs: ['P1'] });
  const wholeCaseNotices = erase({ wholeCase: true });
  return { messages, personNotices, wholeCaseNotices };
}

describe('docs/asyncapi.yaml, the AsyncAPI 3.0 document of the party topics', () => {
  let document: AsyncAPIDocumentInterface;
  let caseMessage: DescribedMessage;
  let erasureNotice: DescribedMessage;
  let built: ReturnType<typeof deliveriesThroughTheDispatcher>;

  beforeAll(async () => {
    ({ document, caseMessage, erasureNotice } = await parsePartyTopicsContract());
    built = deliveriesThroughTheDispatcher();
  });

  it('parses with @asyncapi/parser as AsyncAPI 3.0.0, with no diagnostic of severity error', async () => {
    const { errors } = await parsePartyTopicsContract();
    expect(errors).toEqual([]);
    expect(document.version()).toBe('3.0.0');
    expect(
      document
        .servers()
        .all()
        .map((server) => server.protocol()),
    ).toEqual(['kafka']);
  });

  it('has one channel, cmx.deliveries.{party}, which is the dispatcher’s topic (and the example’s) for every party', () => {
    const channels = document.channels().all();
    expect(channels.map((channel) => channel.address())).toEqual(['cmx.deliveries.{party}']);
    const [channel] = channels;
    expect(
      channel
        .parameters()
        .all()
        .map((parameter) => parameter.id()),
    ).toEqual(['party']);
    const topicOf = (party: string) => channel.address()!.replace('{party}', party.toLowerCase());
    const parties: string[] = DEMO_PARTIES.parties.map((party: { code: string }) => party.code);
    expect(parties.length).toBeGreaterThan(3);
    for (const party of [...parties, 'PARTNER-X1']) {
      expect(topicOf(party)).toBe(partyTopic(party));
      expect(topicOf(party)).toBe(deliveryTopicOf(party));
    }
    const examples = (channel.parameters().get('party')!.json() as { examples?: string[] }).examples ?? [];
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(partyTopic(example.toUpperCase())).toBe(channel.address()!.replace('{party}', example));
    expect(
      sorted(
        channel
          .messages()
          .all()
          .map((message) => message.id()),
      ),
    ).toEqual(['caseMessageDelivery', 'erasureNotice']);
    expect(channel.bindings().get('kafka')?.value().partitions).toBe(loadConfig({}).kafkaTopicPartitions);
  });

  it('has one receive operation for partners, whose consumer group and client id are the example’s', () => {
    const operations = document.operations().all();
    expect(
      operations.map((operation) => [
        operation.action(),
        operation
          .channels()
          .all()
          .map((channel) => channel.address()),
      ]),
    ).toEqual([['receive', ['cmx.deliveries.{party}']]]);
    expect(
      sorted(
        operations[0]
          .messages()
          .all()
          .map((message) => message.id()),
      ),
    ).toEqual(['caseMessageDelivery', 'erasureNotice']);
    const binding = operations[0].bindings().get('kafka')!.value() as { groupId: JsonSchemaObject; clientId: JsonSchemaObject };
    const compile = schemaCompiler();
    for (const party of ['NCB-GR', 'EUROPOL', 'INTERPOL-GS']) {
      const config = loadPartnerConfig({ PARTY: party, KAFKA_BROKERS: '127.0.0.1:9092' });
      expect(problems(compile(binding.groupId), config.groupId)).toEqual([]);
      expect(problems(compile(binding.clientId), config.clientId)).toEqual([]);
    }
    expect(binding.groupId.examples).toContain(loadPartnerConfig({ PARTY: 'NCB-GR', KAFKA_BROKERS: '127.0.0.1:9092' }).groupId);
  });

  it('a case message delivery: its required fields and its properties are exactly the fields deliveriesOf emits, for every message type, and each validates', () => {
    expect(sorted(new Set(built.messages.map(({ payload }) => payload.type)))).toEqual(sorted(MESSAGE_TYPES));
    const schema = caseMessage.payload;
    for (const { party, payload } of built.messages) {
      const record = JSON.parse(JSON.stringify(payload));
      expect([payload.type, party, sorted(Object.keys(record))]).toEqual([payload.type, party, sorted(schema.required!)]);
      expect([payload.type, problems(caseMessage.validPayload, record)]).toEqual([payload.type, []]);
      expect([payload.type, problems(caseMessage.validHeaders, headersOf(payload))]).toEqual([payload.type, []]);
      expect(problems(caseMessage.validKey, payload.caseId)).toEqual([]);
      expect(problems(erasureNotice.validPayload, record)).not.toEqual([]);
    }
    expect(sorted(Object.keys(schema.properties!))).toEqual(sorted(schema.required!));
  });

  it('its headers are the code’s header names (DELIVERY_HEADERS), required, for both kinds of record', () => {
    for (const described of [caseMessage, erasureNotice]) {
      expect(sorted(Object.keys(described.headers.properties!))).toEqual(sorted(Object.values(DELIVERY_HEADERS)));
      expect(sorted(described.headers.required ?? [])).toEqual(sorted(Object.values(DELIVERY_HEADERS)));
    }
  });

  it('its enumerations are the code’s vocabularies (message types, priorities)', () => {
    expect(sorted(caseMessage.payload.properties!.type.enum as string[])).toEqual(sorted(MESSAGE_TYPES));
    expect(sorted(caseMessage.headers.properties!['message-type'].enum as string[])).toEqual(sorted(MESSAGE_TYPES));
    expect(sorted(caseMessage.payload.properties!.priority.enum as string[])).toEqual(sorted(PRIORITIES));
  });

  it('an erasure notice: its fields are exactly those erasureNoticesOf emits, for a person erasure and a whole-case one, and each validates', () => {
    const schema = erasureNotice.payload;
    const [personsErased, wholeCaseErased] = schema.oneOf!.map((branch) => branch.required!);
    expect(built.personNotices.length).toBeGreaterThan(0);
    expect(built.wholeCaseNotices.length).toBeGreaterThan(0);
    for (const [notices, branch] of [
      [built.personNotices, personsErased],
      [built.wholeCaseNotices, wholeCaseErased],
    ] as const) {
      for (const { payload } of notices) {
        const record = JSON.parse(JSON.stringify(payload)) as ErasureNoticePayload;
        expect(sorted(Object.keys(record))).toEqual(sorted([...schema.required!, ...branch]));
        expect(problems(erasureNotice.validPayload, record)).toEqual([]);
        expect(problems(erasureNotice.validHeaders, headersOf(payload))).toEqual([]);
        expect(problems(erasureNotice.validKey, payload.caseId)).toEqual([]);
        expect(problems(caseMessage.validPayload, record)).not.toEqual([]);
        expect(problems(caseMessage.validHeaders, headersOf(payload))).not.toEqual([]);
      }
    }
    expect(sorted(Object.keys(schema.properties!))).toEqual(sorted(new Set([...schema.required!, ...personsErased, ...wholeCaseErased])));
  });

  it('refuses what the code does not emit: a field missing, both personRefs and wholeCase, a position that is a number, a header that is not the value’s kind', () => {
    const message = JSON.parse(JSON.stringify(built.messages[0].payload)) as MessagePayload;
    const { position: _position, ...withoutPosition } = message;
    expect(problems(caseMessage.validPayload, withoutPosition)).not.toEqual([]);
    expect(problems(caseMessage.validPayload, { ...message, position: Number(message.position) })).not.toEqual([]);
    expect(problems(caseMessage.validPayload, { ...message, caseVersion: 0 })).not.toEqual([]);
    const notice = JSON.parse(JSON.stringify(built.personNotices[0].payload)) as ErasureNoticePayload;
    expect(problems(erasureNotice.validPayload, { ...notice, wholeCase: true })).not.toEqual([]);
    const { personRefs: _personRefs, ...neither } = notice;
    expect(problems(erasureNotice.validPayload, neither)).not.toEqual([]);
    expect(problems(erasureNotice.validPayload, { ...notice, messageIds: [] })).not.toEqual([]);
    expect(problems(caseMessage.validHeaders, { ...headersOf(message), 'case-version': 1 })).not.toEqual([]);
    const { 'message-id': _id, ...withoutId } = headersOf(message);
    expect(problems(caseMessage.validHeaders, withoutId)).not.toEqual([]);
    expect(problems(caseMessage.validKey, 'not a case id')).not.toEqual([]);
  });

  it('its examples are valid instances of its own schemas', () => {
    for (const described of [caseMessage, erasureNotice]) {
      expect(described.examples.length).toBeGreaterThan(0);
      for (const example of described.examples) {
        expect(problems(described.validHeaders, example.headers)).toEqual([]);
        expect(problems(described.validPayload, example.payload)).toEqual([]);
      }
    }
  });

  engineTest(
    'Kafka',
    'KAFKA_BROKERS',
    'the records KafkaDeliveryChannel writes carry the key, the header names and values and the value the document describes',
    async (brokers) => {
      // A topic of its own (a party code no one else uses), deleted at the end.
      const party = `ASYNCAPI-${randomUUID().slice(0, 8).toUpperCase()}`;
      const topic = partyTopic(party);
      const sent = [built.messages[0], built.personNotices[0], built.wholeCaseNotices[0]].map(({ payload }) => ({ party, payload }));
      const channel = await KafkaDeliveryChannel.connect({ brokers: brokers.split(','), partitions: 1, clientId: 'cmx-asyncapi-test' });
      const kafka = new Kafka({ clientId: 'cmx-asyncapi-test', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      const consumer = kafka.consumer({ groupId: `cmx-asyncapi-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
      try {
        await channel.deliver(sent);
        const records: { key: string | undefined; headers: Record<string, string>; value: unknown }[] = [];
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
            records.push({ key: message.key?.toString(), headers, value: JSON.parse(message.value!.toString()) });
          },
        });
        const deadline = Date.now() + 30_000;
        while (records.length < sent.length) {
          if (Date.now() > deadline) throw new Error(`${records.length} of ${sent.length} records read back from ${topic} in 30 s`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(records).toHaveLength(sent.length);
        records.forEach((record, index) => {
          const payload = sent[index].payload;
          const described = payload.type === 'erasure.notice' ? erasureNotice : caseMessage;
          expect(record.key).toBe(payload.caseId);
          expect(problems(described.validKey, record.key)).toEqual([]);
          expect(sorted(Object.keys(record.headers))).toEqual(sorted(Object.keys(described.headers.properties!)));
          expect(sorted(Object.keys(record.headers))).toEqual(sorted(described.headers.required!));
          expect(problems(described.validHeaders, record.headers)).toEqual([]);
          expect(record.headers).toEqual(headersOf(payload));
          expect(problems(described.validPayload, record.value)).toEqual([]);
          expect(record.value).toEqual(JSON.parse(JSON.stringify(payload)));
        });
      } finally {
        await consumer.disconnect();
        await channel.close();
        await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
        await admin.disconnect();
      }
    },
  );
});
