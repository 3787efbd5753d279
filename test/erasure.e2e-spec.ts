import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExchangeClient, HttpAnswer } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, newCaseId } from './support/messages';

const OWNER = 'NCB-IT';
const RECIPIENT = 'NCB-GR';
const ADMIN = 'EUROPOL';

/** Two persons: P1 stays, P2 is erased. Their values are unusual enough to be searched for in raw bytes. */
function caseOpened(caseId: string) {
  return messageOf('case.opened', {
    caseId,
    sender: OWNER,
    header: { distribution: { scope: 'recipients', recipients: [RECIPIENT] } },
    body: {
      title: 'Dinghy departures',
      persons: [
        { ref: 'P1', role: 'organiser', familyName: 'KEEPERSON', givenNames: 'STAYING', identifiers: [{ type: 'phone', value: '+218900000111' }] },
        {
          ref: 'P2',
          role: 'driver',
          familyName: 'ERASEDOVIC',
          givenNames: 'GONE',
          dateOfBirth: '1990-01-02',
          identifiers: [{ type: 'phone', value: '+218977777222' }],
        },
      ],
      documents: [
        { ref: 'D1', type: 'passport', number: 'KEEP11111', issuingCountry: 'SY', status: 'stolen', holderRef: 'P1' },
        { ref: 'D2', type: 'passport', number: 'ERAS22222', issuingCountry: 'SY', status: 'forged', holderRef: 'P2' },
      ],
      payments: [{ method: 'hawala', amount: 900, currency: 'EUR', stage: 'upfront', payerRef: 'P2', payeeRef: 'P1' }],
    },
  });
}

const ERASED_VALUES = ['ERASEDOVIC', '+218977777222', 'ERAS22222', '1990-01-02'];
const KEPT_VALUES = ['KEEPERSON', '+218900000111', 'KEEP11111'];

function filesContaining(dir: string, value: string): string[] {
  const needle = Buffer.from(value, 'utf8');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sqlite') || name.endsWith('-wal'))
    .filter((name) => readFileSync(join(dir, name)).includes(needle));
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in 15 s; last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('erasure of a person (embedded exchange)', () => {
  let exchange: InProcessExchange;
  let owner: ExchangeClient;
  let recipient: ExchangeClient;

  beforeAll(async () => {
    exchange = await startInProcessExchange();
    owner = new ExchangeClient(exchange.baseUrl, OWNER);
    recipient = new ExchangeClient(exchange.baseUrl, RECIPIENT);
  });
  afterAll(() => exchange?.close());

  const erase = (client: ExchangeClient, caseId: string, body: object): Promise<HttpAnswer> =>
    client.request('POST', `/v1/cases/${caseId}/erasures`, JSON.stringify(body));
  const feedOf = async (client: ExchangeClient) => (await client.request('GET', '/v1/feed?limit=1000')).body.items as { cursor: string; delivery: any }[];
  const summaryOf = async (client: ExchangeClient, caseId: string) => (await client.request('GET', `/v1/cases/${caseId}`)).body;

  it('erases P2 everywhere, keeps P1, and sends the recipient one notice after the message', async () => {
    const caseId = newCaseId();
    const opened = await owner.post(caseOpened(caseId));
    expect(opened.status).toBe(201);
    await eventually(
      () => feedOf(recipient),
      (items) => items.some((item) => item.delivery.caseId === caseId),
      'delivery',
    );
    await eventually(
      () => summaryOf(recipient, caseId),
      (summary) => summary?.persons?.length === 2,
      'summary',
    );
    for (const value of ERASED_VALUES) expect(filesContaining(exchange.dataDir, value)).not.toEqual([]);

    const refused = await erase(recipient, caseId, { personRefs: ['P2'], reason: 'inaccurate', legalBasis: 'LED Art. 16(2)' });
    expect(refused.status).toBe(403);

    const erased = await erase(owner, caseId, { personRefs: ['P2'], reason: 'inaccurate', legalBasis: 'LED Art. 16(2)', expectedCaseVersion: 1 });
    expect(erased.status).toBe(201);
    expect(erased.body).toMatchObject({ caseId, caseVersion: 2 });

    const timeline = (await recipient.timeline(caseId)).body;
    const body = timeline.entries[0].body;
    expect(body.persons).toEqual([expect.objectContaining({ ref: 'P1', familyName: 'KEEPERSON' }), { ref: 'P2', erased: true }]);
    expect(body.documents).toEqual([expect.objectContaining({ ref: 'D1', number: 'KEEP11111' }), { ref: 'D2', erased: true }]);
    expect(body.payments).toEqual([{ payerRef: 'P2', payeeRef: 'P1', erased: true }]);
    expect(timeline.entries[1]).toMatchObject({ type: 'case.erased', body: { personRefs: ['P2'], messageIds: [opened.body.messageId] } });

    const items = await eventually(
      () => feedOf(recipient),
      (all) => all.some((item) => item.delivery.type === 'erasure.notice' && item.delivery.caseId === caseId),
      'notice',
    );
    const ofCase = items.filter((item) => item.delivery.caseId === caseId);
    expect(ofCase.map((item) => item.delivery.type)).toEqual(['case.opened', 'erasure.notice']);
    expect(ofCase[1].delivery).toMatchObject({ personRefs: ['P2'], messageIds: [opened.body.messageId], reason: 'inaccurate' });
    expect(JSON.stringify(ofCase[0].delivery)).not.toContain('ERASEDOVIC');
    expect(JSON.stringify(ofCase[0].delivery)).toContain('KEEPERSON');

    const summary = await eventually(
      () => summaryOf(recipient, caseId),
      (s) => !JSON.stringify(s).includes('ERASEDOVIC'),
      'summary erased',
    );
    expect(JSON.stringify(summary)).toContain('KEEPERSON');

    for (const value of ERASED_VALUES) expect(filesContaining(exchange.dataDir, value)).toEqual([]);
    expect(filesContaining(exchange.dataDir, KEPT_VALUES[0])).not.toEqual([]);

    const ack = await recipient.request('POST', '/v1/feed/ack', JSON.stringify({ cursor: ofCase[1].cursor }));
    expect(ack.status).toBe(200);
    const ownView = (await owner.timeline(caseId)).body.entries[1];
    expect(ownView.recipients).toEqual([expect.objectContaining({ party: RECIPIENT, acknowledgedAt: expect.any(String) })]);

    expect((await owner.post(messageOf('case.updated', { caseId, sender: OWNER, body: { persons: [{ ref: 'P2', role: 'driver' }] } }))).status).toBe(400);
    expect(
      (
        await new ExchangeClient(exchange.baseUrl, ADMIN).request(
          'POST',
          `/v1/cases/${caseId}/erasures`,
          JSON.stringify({ wholeCase: true, reason: 'retention', legalBasis: 'LED Art. 5' }),
        )
      ).status,
    ).toBe(201);
  });

  it('restricts a person: withheld from everyone but the owner until the owner lifts it', async () => {
    const caseId = newCaseId();
    expect((await owner.post(caseOpened(caseId))).status).toBe(201);
    await eventually(
      () => summaryOf(recipient, caseId),
      (summary) => summary?.persons?.length === 2,
      'summary',
    );

    const restricted = await erase(owner, caseId, { personRefs: ['P1'], restrict: true, reason: 'kept as evidence', legalBasis: 'LED Art. 16(3)' });
    expect(restricted.status).toBe(201);
    expect((await erase(owner, caseId, { personRefs: ['P1'], restrict: true, reason: 'again', legalBasis: 'LED Art. 16(3)' })).status).toBe(409);

    const seenByRecipient = (await recipient.timeline(caseId)).body.entries[0].body;
    expect(seenByRecipient.persons[0]).toEqual({ ref: 'P1', restricted: true });
    expect(seenByRecipient.documents[0]).toEqual({ ref: 'D1', restricted: true });
    expect(seenByRecipient.persons[1]).toMatchObject({ ref: 'P2', familyName: 'ERASEDOVIC' });
    const seenByOwner = (await owner.timeline(caseId)).body;
    expect(seenByOwner.entries[0].body.persons[0]).toMatchObject({ ref: 'P1', familyName: 'KEEPERSON' });
    expect(seenByOwner.entries[1]).toMatchObject({ type: 'case.restricted', body: { personRefs: ['P1'] } });
    await eventually(
      () => summaryOf(recipient, caseId),
      (summary) => !JSON.stringify(summary).includes('KEEPERSON'),
      'summary restricted',
    );
    const feedItem = (await feedOf(recipient)).find((item) => item.delivery.caseId === caseId)!;
    expect(feedItem.delivery.body.persons[0]).toEqual({ ref: 'P1', restricted: true });
    expect((await feedOf(recipient)).filter((item) => item.delivery.caseId === caseId).map((item) => item.delivery.type)).toEqual(['case.opened']);

    expect((await erase(owner, caseId, { personRefs: ['P1'], liftRestriction: true, reason: 'proceedings over', legalBasis: 'LED Art. 16(3)' })).status).toBe(
      201,
    );
    expect((await recipient.timeline(caseId)).body.entries[0].body.persons[0]).toMatchObject({ ref: 'P1', familyName: 'KEEPERSON' });
    await eventually(
      () => summaryOf(recipient, caseId),
      (summary) => JSON.stringify(summary).includes('KEEPERSON'),
      'summary lifted',
    );
  });

  it('erases a whole case: every person and its text, and the case takes no more messages', async () => {
    const caseId = newCaseId();
    const opened = await owner.post(caseOpened(caseId));
    await eventually(
      () => feedOf(recipient),
      (items) => items.some((item) => item.delivery.caseId === caseId),
      'delivery',
    );

    const erased = await erase(owner, caseId, { wholeCase: true, reason: 'retention period over', legalBasis: 'LED Art. 5' });
    expect(erased.status).toBe(201);
    const body = (await recipient.timeline(caseId)).body.entries[0].body;
    expect(body.title).toEqual({ erased: true });
    expect(body.persons).toEqual([
      { ref: 'P1', erased: true },
      { ref: 'P2', erased: true },
    ]);
    const later = await owner.post(messageOf('case.updated', { caseId, sender: OWNER, body: { summary: 'more' } }));
    expect([later.status, later.body.error]).toEqual([409, 'case_erased']);
    const repeat = await owner.post(caseOpened(caseId));
    expect(repeat.status).toBe(409);

    const notice = await eventually(
      () => feedOf(recipient),
      (items) => items.some((item) => item.delivery.type === 'erasure.notice' && item.delivery.caseId === caseId),
      'notice',
    );
    expect(notice.find((item) => item.delivery.type === 'erasure.notice' && item.delivery.caseId === caseId)!.delivery).toMatchObject({
      wholeCase: true,
      messageIds: [opened.body.messageId],
    });
    const summary = await eventually(
      () => summaryOf(recipient, caseId),
      (s) => s?.title?.erased === true,
      'summary erased',
    );
    expect(JSON.stringify(summary)).not.toMatch(/KEEPERSON|ERASEDOVIC|Dinghy/);
  });

  it('refuses bad requests with what is wrong and changes nothing', async () => {
    const caseId = newCaseId();
    expect((await owner.post(caseOpened(caseId))).status).toBe(201);
    const cases: [object, number, string][] = [
      [{ personRefs: ['P9'], reason: 'r', legalBasis: 'b' }, 400, 'unknown_person_ref'],
      [{ personRefs: ['P1'], wholeCase: true, reason: 'r', legalBasis: 'b' }, 400, 'invalid_erasure'],
      [{ personRefs: ['P1'], legalBasis: 'b' }, 400, 'invalid_erasure'],
      [{ personRefs: ['P1'], reason: 'r', legalBasis: 'b', color: 'red' }, 400, 'invalid_erasure'],
      [{ personRefs: ['P1'], reason: 'r', legalBasis: 'b', expectedCaseVersion: 7 }, 409, 'case_version_mismatch'],
      [{ personRefs: ['P1'], liftRestriction: true, reason: 'r', legalBasis: 'b' }, 409, 'protection_unchanged'],
    ];
    for (const [body, status, error] of cases) {
      const answer = await erase(owner, caseId, body);
      expect([JSON.stringify(body), answer.status, answer.body.error]).toEqual([JSON.stringify(body), status, error]);
    }
    const stranger = await erase(new ExchangeClient(exchange.baseUrl, 'NCB-ES'), caseId, { personRefs: ['P1'], reason: 'r', legalBasis: 'b' });
    expect(stranger.status).toBe(404);
    expect((await owner.timeline(caseId)).body.version).toBe(1);
  });
});
