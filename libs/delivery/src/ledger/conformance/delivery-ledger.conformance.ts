import { randomUUID } from 'node:crypto';
import { UnknownCursor } from '@cmx/errors';
import type { Delivery, DeliveryPayload, MessagePayload } from '../../delivery-channel.port';
import type { DeliveryChannelKind, DeliveryLedger, DispatchedBatch, Recipient } from '../delivery-ledger.port';

const T1 = '2025-03-01T10:00:00.000Z';
const T2 = '2025-03-01T10:05:00.123Z';
const T3 = '2025-03-01T11:00:00.999Z';
const NL = 'NCB-NL';
const BE = 'NCB-BE';
const DE = 'NCB-DE';
/** Any error, whichever realm made it: toThrow() misses the errors of a native module loaded by an earlier test file of the worker. */
const AN_ERROR = { message: expect.any(String) };

/**
 * The behaviour every DeliveryLedger adapter must show, as a jest suite. Call
 * it at the top level of an adapter's *.int-spec.ts. `openLedger` opens a
 * ledger on storage of its own, empty; the suite closes every ledger it
 * opened after each test.
 */
export function describeDeliveryLedgerConformance(name: string, openLedger: () => Promise<DeliveryLedger>): void {
  describe(`DeliveryLedger conformance: ${name}`, () => {
    const opened: DeliveryLedger[] = [];
    let ledger: DeliveryLedger;

    beforeEach(async () => {
      ledger = await openLedger();
      opened.push(ledger);
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((each) => each.close()));
    });

    describe('record and checkpoint', () => {
      it('has no checkpoint and no deliveries before the first record', async () => {
        expect(await ledger.checkpoint()).toBeUndefined();
        expect(await ledger.lastCursor(NL)).toBeUndefined();
        expect(await ledger.readFeed(NL, undefined, 10)).toEqual([]);
        expect(await ledger.recipientsOf([randomUUID()])).toEqual(new Map());
      });

      it("records a batch's deliveries and its checkpoint, which may lie beyond the last delivery", async () => {
        const first = payload('3');
        const second = payload('5');

        await ledger.record(batch([...to([NL, BE], first), ...to([NL], second)], { checkpoint: '8', channel: 'kafka', deliveredAt: T1 }));

        expect(await ledger.checkpoint()).toBe('8');
        expect(await ledger.readFeed(NL, undefined, 10)).toEqual([feedItem(first), feedItem(second)]);
        expect(await ledger.readFeed(BE, undefined, 10)).toEqual([feedItem(first)]);
        expect(await ledger.recipientsOf([first.messageId, second.messageId])).toEqual(
          new Map([
            [first.messageId, [recipient(BE, 'kafka', T1), recipient(NL, 'kafka', T1)]],
            [second.messageId, [recipient(NL, 'kafka', T1)]],
          ]),
        );
      });

      it('moves the checkpoint with every batch, one that delivered nothing included', async () => {
        await ledger.record(batch(to([NL], payload('1')), { checkpoint: '1' }));
        await ledger.record(batch([], { checkpoint: '20' }));

        expect(await ledger.checkpoint()).toBe('20');
        expect((await ledger.readFeed(NL, undefined, 10)).map((item) => item.cursor)).toEqual(['1']);
      });

      it('keeps the first record of a delivery recorded again (time, channel, payload, acknowledgement) and still moves the checkpoint', async () => {
        const original = payload('5');
        await ledger.record(batch(to([NL, BE], original), { checkpoint: '5', channel: 'kafka', deliveredAt: T1 }));
        await ledger.acknowledgeThrough(NL, '5', T2);
        const changed = { ...original, body: { changed: true } };
        const added = payload('6');

        await ledger.record(batch([...to([NL, BE], changed), ...to([NL], added)], { checkpoint: '6', channel: 'feed', deliveredAt: T3 }));

        expect(await ledger.checkpoint()).toBe('6');
        expect(await ledger.readFeed(NL, undefined, 10)).toEqual([feedItem(original), feedItem(added)]);
        expect(await ledger.readFeed(BE, undefined, 10)).toEqual([feedItem(original)]);
        expect(await ledger.recipientsOf([original.messageId, added.messageId])).toEqual(
          new Map([
            [original.messageId, [recipient(BE, 'kafka', T1), recipient(NL, 'kafka', T1, T2)]],
            [added.messageId, [recipient(NL, 'feed', T3)]],
          ]),
        );
      });

      it('records nothing of a batch it refuses, before or inside its transaction', async () => {
        const refusedInside = payload('4');
        const good = to([NL], payload('2'));
        await expect(ledger.record(batch(good, { checkpoint: 'not-a-position' }))).rejects.toMatchObject(AN_ERROR);
        await expect(ledger.record(batch(good, { checkpoint: '9223372036854775808' }))).rejects.toMatchObject(AN_ERROR);
        await expect(ledger.record(batch(to([NL], payload('-1')), { checkpoint: '2' }))).rejects.toMatchObject(AN_ERROR);
        await expect(ledger.record(batch(to([NL], payload('1.5')), { checkpoint: '2' }))).rejects.toMatchObject(AN_ERROR);
        await expect(ledger.record(batch(good, { checkpoint: '2', deliveredAt: 'yesterday-ish' }))).rejects.toMatchObject(AN_ERROR);
        // The channel is checked by the database, after the payload is written.
        const unknownChannel = 'pigeon' as DeliveryChannelKind;
        await expect(ledger.record(batch(to([NL, BE], refusedInside), { checkpoint: '4', channel: unknownChannel }))).rejects.toMatchObject(AN_ERROR);

        expect(await ledger.checkpoint()).toBeUndefined();
        expect(await ledger.lastCursor(NL)).toBeUndefined();
        const retried = { ...refusedInside, body: { retried: true } };
        await ledger.record(batch(to([NL], retried), { checkpoint: '4' }));
        expect(await ledger.readFeed(NL, undefined, 10)).toEqual([feedItem(retried)]);
      });

      it('stores one payload per position however many parties receive it', async () => {
        const shared = payload('7', { body: { text: 'Grenzübergang — "quoted" \\ back\nslash 🚤', keys: { z: 1, a: [1, 'two', null] } } });

        await ledger.record(batch(to([NL, BE, DE], shared), { checkpoint: '7' }));

        for (const party of [NL, BE, DE]) {
          const feed = await ledger.readFeed(party, undefined, 10);
          expect(feed).toEqual([feedItem(shared)]);
          expect(JSON.stringify(feed[0].delivery)).toBe(JSON.stringify(shared));
        }
      });

      it('records a batch of 50,000 deliveries in one call, and again without change', async () => {
        const parties = ['NCB-NL', 'NCB-BE', 'NCB-DE', 'NCB-FR', 'NCB-IT'];
        const payloads = Array.from({ length: 10_000 }, (_, index) => payload(String(1_000 + index)));
        const big = batch(
          payloads.flatMap((each) => to(parties, each)),
          { checkpoint: '20000' },
        );

        await ledger.record(big);
        await ledger.record({ ...big, deliveredAt: T3 });

        const feed = await ledger.readFeed('NCB-DE', undefined, 20_000);
        expect(feed.map((item) => item.cursor)).toEqual(payloads.map((each) => each.position));
        expect(feed[9_999]).toEqual(feedItem(payloads[9_999]));
        expect(await ledger.lastCursor('NCB-FR')).toBe('10999');
        expect(await ledger.checkpoint()).toBe('20000');
        const recipients = await ledger.recipientsOf([payloads[4_321].messageId]);
        expect(recipients.get(payloads[4_321].messageId)).toEqual([...parties].sort().map((party) => recipient(party, 'kafka', T1)));
        expect(await ledger.acknowledgeThrough('NCB-IT', '10999', T2)).toBe(10_000);
      }, 60_000);
    });

    describe('readFeed', () => {
      /** Recorded in two batches, the later one holding the smaller positions: the order is neither that of the records nor that of the text. */
      async function recordNineToThousand(): Promise<void> {
        await ledger.record(batch(to([NL], payload('100'), payload('1000')), { checkpoint: '1000' }));
        await ledger.record(batch(to([NL], payload('9'), payload('10')), { checkpoint: '1000' }));
      }

      it("reads the party's deliveries in numeric cursor order", async () => {
        await recordNineToThousand();

        const feed = await ledger.readFeed(NL, undefined, 10);

        expect(feed.map((item) => item.cursor)).toEqual(['9', '10', '100', '1000']);
        expect(feed.map((item) => item.delivery.position)).toEqual(['9', '10', '100', '1000']);
      });

      it('reads strictly after `after`, at most `limit` deliveries', async () => {
        await recordNineToThousand();
        const cursors = async (after: string | undefined, limit: number) => (await ledger.readFeed(NL, after, limit)).map((item) => item.cursor);

        expect(await cursors('10', 10)).toEqual(['100', '1000']);
        expect(await cursors('9', 2)).toEqual(['10', '100']);
        expect(await cursors(undefined, 1)).toEqual(['9']);
        expect(await cursors('50', 10)).toEqual(['100', '1000']);
        expect(await cursors('1000', 10)).toEqual([]);
        expect(await cursors(undefined, 0)).toEqual([]);
      });

      it("reads only the party's own deliveries", async () => {
        await ledger.record(batch([...to([NL], payload('1')), ...to([NL, BE], payload('2')), ...to([NL], payload('3'))], { checkpoint: '3' }));

        expect((await ledger.readFeed(BE, undefined, 10)).map((item) => item.cursor)).toEqual(['2']);
        expect((await ledger.readFeed(NL, undefined, 10)).map((item) => item.cursor)).toEqual(['1', '2', '3']);
        expect(await ledger.readFeed(DE, undefined, 10)).toEqual([]);
      });

      it('refuses an `after` that is not a position and a limit that is not a non-negative integer', async () => {
        await expect(ledger.readFeed(NL, 'abc', 10)).rejects.toBeInstanceOf(RangeError);
        await expect(ledger.readFeed(NL, '-1', 10)).rejects.toBeInstanceOf(RangeError);
        await expect(ledger.readFeed(NL, undefined, -1)).rejects.toBeInstanceOf(RangeError);
        await expect(ledger.readFeed(NL, undefined, 1.5)).rejects.toBeInstanceOf(RangeError);
      });
    });

    describe('lastCursor', () => {
      it("is the cursor of the party's newest delivery, compared as a number", async () => {
        await ledger.record(batch(to([NL], payload('9'), payload('10'), payload('100')), { checkpoint: '100' }));
        await ledger.record(batch(to([BE], payload('99')), { checkpoint: '100' }));

        expect(await ledger.lastCursor(NL)).toBe('100');
        expect(await ledger.lastCursor(BE)).toBe('99');
        expect(await ledger.lastCursor(DE)).toBeUndefined();
      });
    });

    describe('acknowledgeThrough', () => {
      it('acknowledges every delivery up to and including the cursor, counting only the newly acknowledged', async () => {
        const [one, two, three, four] = ['1', '2', '3', '4'].map((position) => payload(position));
        await ledger.record(batch(to([NL], one, two, three, four), { checkpoint: '4' }));

        expect(await ledger.acknowledgeThrough(NL, '2', T1)).toBe(2);
        expect(await ledger.acknowledgeThrough(NL, '3', T2)).toBe(1);
        expect(await ledger.acknowledgeThrough(NL, '3', T3)).toBe(0);
        expect(await ledger.acknowledgeThrough(NL, '1', T3)).toBe(0);

        const acknowledgedAt = await acknowledgementTimes([one, two, three, four]);
        expect(acknowledgedAt).toEqual([T1, T1, T2, null]);
      });

      it('leaves the deliveries of other parties alone', async () => {
        const [one, two] = ['1', '2'].map((position) => payload(position));
        await ledger.record(batch(to([NL, BE], one, two), { checkpoint: '2' }));

        expect(await ledger.acknowledgeThrough(NL, '2', T1)).toBe(2);

        const recipients = await ledger.recipientsOf([one.messageId, two.messageId]);
        for (const message of [one, two]) {
          expect(recipients.get(message.messageId)).toEqual([recipient(BE, 'kafka', T1), recipient(NL, 'kafka', T1, T1)]);
        }
      });

      it("throws UnknownCursor for a cursor that is not one of the party's deliveries, acknowledging nothing", async () => {
        const messages = [payload('1'), payload('3')];
        await ledger.record(batch([...to([NL], messages[0]), ...to([BE], payload('2')), ...to([NL], messages[1])], { checkpoint: '5' }));

        for (const cursor of ['2', '0', '4', '5', '99', 'abc', '', '-1', '1.0', '03', ' 3', '99999999999999999999999']) {
          await expect(ledger.acknowledgeThrough(NL, cursor, T1)).rejects.toBeInstanceOf(UnknownCursor);
        }
        await expect(ledger.acknowledgeThrough(DE, '1', T1)).rejects.toThrow(new UnknownCursor('1'));

        expect(await acknowledgementTimes(messages)).toEqual([null, null]);
      });
    });

    describe('acknowledgeMessages', () => {
      it('acknowledges the messages delivered to the party and reports the others as unknown', async () => {
        const [one, two, three] = ['1', '2', '3'].map((position) => payload(position));
        const toBelgiumOnly = payload('4');
        await ledger.record(batch([...to([NL], one), ...to([NL, BE], two), ...to([NL], three), ...to([BE], toBelgiumOnly)], { checkpoint: '4' }));
        const neverDelivered = randomUUID();

        const result = await ledger.acknowledgeMessages(NL, [one.messageId, neverDelivered, three.messageId, toBelgiumOnly.messageId], T1);

        expect(result).toEqual({ acknowledged: 2, unknown: [neverDelivered, toBelgiumOnly.messageId] });
        expect(await acknowledgementTimes([one, two, three])).toEqual([T1, null, T1]);
        const recipients = await ledger.recipientsOf([two.messageId, toBelgiumOnly.messageId]);
        expect(recipients.get(two.messageId)).toEqual([recipient(BE, 'kafka', T1), recipient(NL, 'kafka', T1)]);
        expect(recipients.get(toBelgiumOnly.messageId)).toEqual([recipient(BE, 'kafka', T1)]);
      });

      it('keeps the first acknowledgement time, counts only the newly acknowledged, and names a repeated id once', async () => {
        const [one, two, three] = ['1', '2', '3'].map((position) => payload(position));
        await ledger.record(batch(to([NL], one, two, three), { checkpoint: '3' }));
        const neverDelivered = randomUUID();

        expect(await ledger.acknowledgeMessages(NL, [one.messageId], T1)).toEqual({ acknowledged: 1, unknown: [] });
        expect(await ledger.acknowledgeMessages(NL, [one.messageId, two.messageId, two.messageId, neverDelivered, neverDelivered], T2)).toEqual({
          acknowledged: 1,
          unknown: [neverDelivered],
        });
        expect(await ledger.acknowledgeMessages(NL, [], T3)).toEqual({ acknowledged: 0, unknown: [] });
        expect(await ledger.acknowledgeThrough(NL, '3', T3)).toBe(1);

        expect(await acknowledgementTimes([one, two, three])).toEqual([T1, T2, T3]);
      });
    });

    describe('recipientsOf', () => {
      it('lists the recipients of each message sorted by party (as text, by code point), with channel and times; a message never delivered is absent', async () => {
        const byKafka = payload('1');
        const byFeed = payload('2');
        const parties = ['eu', 'EU_Y', 'NCB-NL', 'EU-X', 'AGENCY'];
        await ledger.record(batch(to([NL, BE], byKafka), { checkpoint: '1', channel: 'kafka', deliveredAt: T1 }));
        await ledger.record(batch(to(parties, byFeed), { checkpoint: '2', channel: 'feed', deliveredAt: T2 }));
        await ledger.acknowledgeMessages('EU_Y', [byFeed.messageId], T3);
        const neverDelivered = randomUUID();

        const recipients = await ledger.recipientsOf([byKafka.messageId, byFeed.messageId, neverDelivered]);

        expect([...recipients.keys()].sort()).toEqual([byKafka.messageId, byFeed.messageId].sort());
        expect(recipients.get(byKafka.messageId)).toEqual([recipient(BE, 'kafka', T1), recipient(NL, 'kafka', T1)]);
        expect(recipients.get(byFeed.messageId)).toEqual([
          recipient('AGENCY', 'feed', T2),
          recipient('EU-X', 'feed', T2),
          recipient('EU_Y', 'feed', T2, T3),
          recipient('NCB-NL', 'feed', T2),
          recipient('eu', 'feed', T2),
        ]);
        expect(await ledger.recipientsOf([])).toEqual(new Map());
      });
    });

    describe('onRecorded', () => {
      it('calls the listener after each record() commits, the batch then readable', async () => {
        const seen: Promise<string | undefined>[] = [];
        ledger.onRecorded(() => seen.push(ledger.lastCursor(NL)));

        await ledger.record(batch(to([NL], payload('1')), { checkpoint: '1' }));
        expect(seen).toHaveLength(1);
        await ledger.record(batch(to([NL], payload('2')), { checkpoint: '2' }));

        expect(await Promise.all(seen)).toEqual(['1', '2']);
      });

      it('does not call the listener for a refused batch, nor once unsubscribed; other listeners go on', async () => {
        let unsubscribedCalls = 0;
        let otherCalls = 0;
        const unsubscribe = ledger.onRecorded(() => unsubscribedCalls++);
        ledger.onRecorded(() => otherCalls++);

        await expect(ledger.record(batch(to([NL], payload('1')), { checkpoint: 'not-a-position' }))).rejects.toMatchObject(AN_ERROR);
        await ledger.record(batch(to([NL], payload('1')), { checkpoint: '1' }));
        unsubscribe();
        unsubscribe();
        await ledger.record(batch(to([NL], payload('2')), { checkpoint: '2' }));

        expect(unsubscribedCalls).toBe(1);
        expect(otherCalls).toBe(2);
      });
    });

    describe('positions beyond 2^53', () => {
      it('keeps every digit of cursors and checkpoints up to the largest 64-bit integer', async () => {
        const positions = ['9007199254740993', '123456789012000005', '123456789012000006', '9223372036854775807'];
        const payloads = positions.map((position) => payload(position));
        await ledger.record(batch(to([NL], ...payloads), { checkpoint: '9223372036854775807' }));

        expect(await ledger.checkpoint()).toBe('9223372036854775807');
        expect(await ledger.lastCursor(NL)).toBe('9223372036854775807');
        expect(await ledger.readFeed(NL, undefined, 10)).toEqual(payloads.map(feedItem));
        expect((await ledger.readFeed(NL, '9007199254740992', 10)).map((item) => item.cursor)).toEqual(positions);
        expect((await ledger.readFeed(NL, '123456789012000005', 10)).map((item) => item.cursor)).toEqual(positions.slice(2));
        // 123456789012000004 and 123456789012000005 are the same double.
        await expect(ledger.acknowledgeThrough(NL, '123456789012000004', T1)).rejects.toBeInstanceOf(UnknownCursor);
        expect(await ledger.acknowledgeThrough(NL, '123456789012000005', T1)).toBe(2);
        expect(await acknowledgementTimes(payloads)).toEqual([T1, T1, null, null]);
      });
    });

    describe('ping and close', () => {
      it('answers ping while open; after close() calls reject, and close() again is harmless', async () => {
        await expect(ledger.ping()).resolves.toBeUndefined();

        await ledger.close();
        await ledger.close();

        await expect(ledger.ping()).rejects.toMatchObject(AN_ERROR);
        await expect(ledger.readFeed(NL, undefined, 10)).rejects.toMatchObject(AN_ERROR);
        await expect(ledger.record(batch([], { checkpoint: '1' }))).rejects.toMatchObject(AN_ERROR);
      });
    });

    /** The acknowledgement time of each message's delivery to NL. */
    async function acknowledgementTimes(messages: readonly DeliveryPayload[]): Promise<(string | null)[]> {
      const recipients = await ledger.recipientsOf(messages.map((message) => message.messageId));
      return messages.map((message) => {
        const toNetherlands = recipients.get(message.messageId)?.find((each) => each.party === NL);
        if (!toNetherlands) throw new Error(`message ${message.position} was not delivered to ${NL}`);
        return toNetherlands.acknowledgedAt;
      });
    }
  });
}

function payload(position: string, overrides: Partial<MessagePayload> = {}): MessagePayload {
  return {
    caseId: 'NL-2025-000123',
    position,
    caseVersion: 2,
    messageId: randomUUID(),
    type: 'case.updated',
    sender: 'NCB-NL',
    sentAt: '2025-03-01T09:59:00.000Z',
    receivedAt: '2025-03-01T09:59:01.250Z',
    priority: 'routine',
    handling: { code: 'H0' },
    evaluation: { source: 'B', information: '2' },
    body: { summary: `the event at ${position}` },
    ...overrides,
  };
}

/** Each payload to each party, payload by payload (store-position order when the payloads are). */
function to(parties: readonly string[], ...payloads: DeliveryPayload[]): Delivery[] {
  return payloads.flatMap((each) => parties.map((party) => ({ party, payload: each })));
}

function batch(deliveries: readonly Delivery[], options: { checkpoint: string; channel?: DeliveryChannelKind; deliveredAt?: string }): DispatchedBatch {
  return { deliveries, channel: options.channel ?? 'kafka', deliveredAt: options.deliveredAt ?? T1, checkpoint: options.checkpoint };
}

function feedItem(delivery: DeliveryPayload) {
  return { cursor: delivery.position, delivery };
}

function recipient(party: string, channel: DeliveryChannelKind, deliveredAt: string, acknowledgedAt: string | null = null): Recipient {
  return { party, channel, deliveredAt, acknowledgedAt };
}
