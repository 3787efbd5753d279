import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { hashApiKey } from '@cmx/parties';
import { engineTest } from './support/engines';
import { ExchangeClient } from './support/exchange-client';
import { readFeedUntil } from './support/feed';
import { startInProcessExchange } from './support/in-process-exchange';
import { KafkaDeliveryReader } from './support/kafka-deliveries';
import { referenceDeliveries, World } from './support/reference-deliveries';
import { cmfMessageOf, worldArbitrary, worldCaseId } from './support/world';

const keyOf = (party: string) => `world-key-${party.toLowerCase()}`;
let worldCounter = 0;

interface WorldRun {
  /** Message id of each accepted message step, by step index. */
  readonly messageIds: Map<number, string>;
  readonly caseIds: Set<string>;
  readonly baseUrl: string;
  caseIdOf(caseKey: number): string;
  close(): Promise<void>;
}

/** Starts an exchange for the world's parties file and plays every step over HTTP, checking each answer against the reference. */
async function playWorld(world: World, env: Record<string, string>): Promise<WorldRun> {
  const directory = mkdtempSync(join(tmpdir(), 'cmx-world-'));
  const partiesFile = join(directory, 'parties.json');
  writeFileSync(
    partiesFile,
    JSON.stringify({
      parties: world.parties.map((code) => ({ code, kind: code.startsWith('NCB-') ? 'bureau' : 'agency', apiKeys: [hashApiKey(keyOf(code))] })),
      operations: Object.entries(world.operations).map(([id, members]) => ({ id, members })),
      taskForces: Object.entries(world.taskForces).map(([id, members]) => ({ id, members })),
      admins: [world.admin],
    }),
  );
  const exchange = await startInProcessExchange({ CASE_EXCHANGE_PARTIES: partiesFile, ...env });
  const client = (party: string) => new ExchangeClient(exchange.baseUrl, party, keyOf(party));
  const expected = referenceDeliveries(world);
  const prefix = `${process.pid % 1000}${String(++worldCounter).padStart(4, '0')}`;
  const messageIds = new Map<number, string>();
  const caseIds = new Set<string>();

  for (const [index, step] of world.steps.entries()) {
    if (step.kind === 'membership') {
      const path = `/v1/admin/${step.group === 'operation' ? 'operations' : 'task-forces'}/${step.id}/members`;
      const answer = await client(world.admin).request('PUT', path, JSON.stringify({ members: step.members }));
      expect([index, answer.status]).toEqual([index, 200]);
    } else if (step.kind === 'subscription') {
      const answer = await client(step.party).request('PUT', '/v1/subscriptions', JSON.stringify({ filters: step.filters }));
      expect([index, answer.status]).toEqual([index, 200]);
    } else {
      const caseId = worldCaseId(Number(prefix), step.caseKey);
      caseIds.add(caseId);
      const message = cmfMessageOf(step, caseId, new Date(), randomUUID());
      const answer = await client(step.sender).post(message);
      const refusal = expected.refused.get(index);
      expect([index, answer.status === 201 ? 'accepted' : answer.body.error]).toEqual([index, refusal ?? 'accepted']);
      if (refusal === undefined) messageIds.set(index, message.header.messageId);
    }
  }
  return {
    messageIds,
    caseIds,
    baseUrl: exchange.baseUrl,
    caseIdOf: (caseKey) => worldCaseId(Number(prefix), caseKey),
    close: async () => {
      await exchange.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

const expectedIdsByParty = (world: World, run: WorldRun) =>
  Object.fromEntries([...referenceDeliveries(world).received].map(([party, steps]) => [party, steps.map((step) => run.messageIds.get(step))]));

/** The sender's timeline lists exactly the message's recipients, with the channel; every other party's timeline lists none. */
async function expectReceipts(world: World, run: WorldRun, channel: 'feed' | 'kafka'): Promise<void> {
  const expected = referenceDeliveries(world);
  const recipientsOf = (step: number) => world.parties.filter((party) => expected.received.get(party)!.includes(step)).sort();
  for (const [step, messageId] of run.messageIds) {
    const message = world.steps[step] as { sender: string; caseKey: number };
    for (const party of expected.entitled.get(step)!) {
      const timeline = await new ExchangeClient(run.baseUrl, party, keyOf(party)).timeline(run.caseIdOf(message.caseKey));
      const entry = timeline.body.entries.find((candidate: { messageId: string }) => candidate.messageId === messageId);
      if (party !== message.sender) {
        expect(entry).not.toHaveProperty('recipients');
        continue;
      }
      const recipients = entry.recipients as { party: string; channel: string; acknowledgedAt: string | null }[];
      expect([step, recipients.map((recipient) => recipient.party)]).toEqual([step, recipientsOf(step)]);
      recipients.forEach((recipient) => expect(recipient).toMatchObject({ channel, acknowledgedAt: null }));
    }
  }
}

describe('who gets what, end to end (property: each party receives what the reference model computes)', () => {
  it('through the feed, for 15 random worlds played over HTTP', async () => {
    await fc.assert(
      fc.asyncProperty(worldArbitrary(25), async (world) => {
        const run = await playWorld(world, {});
        try {
          const expected = expectedIdsByParty(world, run);
          for (const party of world.parties) {
            const client = new ExchangeClient(run.baseUrl, party, keyOf(party));
            const items = await readFeedUntil(client, expected[party].length, 10_000);
            // Nothing more arrives: the dispatcher has passed every event by the time the last expected delivery is in someone's feed.
            const extra = await readFeedUntil(client, expected[party].length + 1, 300);
            expect([party, items.map((item) => item.delivery.messageId)]).toEqual([party, expected[party]]);
            expect(extra.length).toBe(items.length);
          }
          await expectReceipts(world, run, 'feed');
        } finally {
          await run.close();
        }
      }),
      { numRuns: 15, seed: 20261122 },
    );
  }, 240_000);

  engineTest(
    'kafka',
    'KAFKA_BROKERS',
    'through Kafka (one topic per party), for 6 random worlds played over HTTP',
    async (brokers) => {
      await fc.assert(
        fc.asyncProperty(worldArbitrary(20), async (world) => {
          const run = await playWorld(world, { DELIVERY: 'kafka', KAFKA_BROKERS: brokers, KAFKA_TOPIC_PARTITIONS: '3' });
          const reader = await KafkaDeliveryReader.start(brokers, world.parties, run.caseIds);
          try {
            const expected = expectedIdsByParty(world, run);
            const total = Object.values(expected).reduce((sum, ids) => sum + ids.length, 0);
            await reader.waitFor((received) => received.length >= total, 30_000);
            await new Promise((resolve) => setTimeout(resolve, 500));
            for (const party of world.parties) {
              const got = reader.received.filter((delivery) => delivery.party === party).map((delivery) => delivery.value.messageId);
              expect([party, [...got].sort()]).toEqual([party, [...(expected[party] as string[])].sort()]);
            }
            // The feed of a Kafka exchange holds the same deliveries, with kafka as their channel.
            for (const party of world.parties) {
              const items = await readFeedUntil(new ExchangeClient(run.baseUrl, party, keyOf(party)), expected[party].length, 5_000);
              expect([party, items.map((item) => item.delivery.messageId)]).toEqual([party, expected[party]]);
            }
            await expectReceipts(world, run, 'kafka');
          } finally {
            await reader.stop();
            await run.close();
          }
        }),
        { numRuns: 6, seed: 20261122 },
      );
    },
    300_000,
  );
});
