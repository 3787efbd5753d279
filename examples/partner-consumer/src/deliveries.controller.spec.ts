import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { KafkaContext } from '@nestjs/microservices';
import { DeliveriesController } from './deliveries.controller';
import type { ErasureNotice, MessageDelivery } from './delivery';
import { DeliveryDeduplicator } from './delivery-deduplicator';
import { ReceivedMessages } from './received-messages';

jest.mock('./partner-settings', () => ({
  PARTNER_SETTINGS: { topic: 'cmx.deliveries.ncb-gr', acknowledgeTo: { url: 'http://exchange.test', apiKey: 'demo-ncb-gr' } },
}));

describe('DeliveriesController', () => {
  let directory: string;
  let stores: ReceivedMessages[];
  let fetchMock: jest.SpyInstance;
  let logged: string[];
  let offset: number;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'partner-controller-'));
    stores = [];
    offset = 0;
    fetchMock = jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('{"acknowledged":1}', { status: 200 }));
    logged = [];
    for (const level of ['log', 'warn', 'debug'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((...line: unknown[]) => void logged.push(`${level}: ${String(line[0])}`));
    }
  });

  afterEach(() => {
    jest.restoreAllMocks();
    for (const store of stores) store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  /** A consumer process: its memory is new, its file is the one of the last. */
  const start = (): { controller: DeliveriesController; received: ReceivedMessages } => {
    for (const store of stores) store.close();
    const received = ReceivedMessages.open(join(directory, 'ncb-gr.sqlite'));
    stores.push(received);
    return { controller: new DeliveriesController(new DeliveryDeduplicator(), received), received };
  };
  const deliver = (controller: DeliveriesController, value: MessageDelivery | ErasureNotice): Promise<void> => {
    const headers = { 'message-id': value.messageId, 'message-type': value.type, 'case-version': String(value.caseVersion) };
    const message = { key: Buffer.from(value.caseId), value: null, headers, offset: String(offset++), timestamp: '0', attributes: 0 };
    return controller.onDelivery(value, new KafkaContext([message, 0, 'cmx.deliveries.ncb-gr', {} as never, async () => {}, {} as never]));
  };
  const acknowledgedIds = (): string[][] => fetchMock.mock.calls.map(([, init]) => JSON.parse((init as RequestInit).body as string).messageIds);

  const message = (messageId: string, caseVersion: number): MessageDelivery => ({
    caseId: 'IT-2026-1',
    position: String(1000 + caseVersion),
    caseVersion,
    messageId,
    type: 'case.updated',
    sender: 'NCB-IT',
    sentAt: '2026-03-14T09:30:00Z',
    receivedAt: '2026-03-14T09:30:01.000Z',
    priority: 'urgent',
    handling: { code: 'H2' },
    evaluation: { source: 'B', information: '2' },
    body: { persons: [{ ref: 'P1', name: 'Xanthippe Quarrington', dateOfBirth: '1980-02-29' }] },
  });
  const notice = (messageId: string, caseVersion: number, erased: Partial<ErasureNotice>): ErasureNotice => ({
    caseId: 'IT-2026-1',
    position: String(2000 + caseVersion),
    caseVersion,
    messageId,
    type: 'erasure.notice',
    sender: 'NCB-IT',
    receivedAt: '2026-04-01T10:00:00.000Z',
    messageIds: [],
    erasedAt: '2026-04-01T10:00:00.000Z',
    reason: 'request of Xanthippe Quarrington',
    ...erased,
  });

  it('stores a message, acknowledges it and logs its header fields only', async () => {
    const { controller, received } = start();

    await deliver(controller, message('m1', 1));

    expect(received.message('m1')?.value).toEqual(message('m1', 1));
    expect(fetchMock).toHaveBeenCalledWith('http://exchange.test/v1/feed/ack', expect.objectContaining({ method: 'POST' }));
    expect(acknowledgedIds()).toEqual([['m1']]);
    expect(received.check(message('m1', 1))).toMatchObject({ acknowledged: true });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('case.updated on case IT-2026-1 v1 from NCB-IT');
    expect(logged.join('\n')).not.toMatch(/Xanthippe|1980|P1/);
  });

  it('on an erasure notice deletes the stored copies, acknowledges the notice and logs ids and counts only', async () => {
    const { controller, received } = start();
    await deliver(controller, message('m1', 1));
    await deliver(controller, message('m2', 2));
    fetchMock.mockClear();
    logged.length = 0;

    await deliver(controller, notice('n3', 3, { personRefs: ['P1'], messageIds: ['m1'] }));

    expect(received.messagesOf('IT-2026-1').map((stored) => stored.messageId)).toEqual(['m2']);
    expect(acknowledgedIds()).toEqual([['n3']]);
    expect(logged).toEqual([
      'log: cmx.deliveries.ncb-gr[0]@2: erasure notice n3 on case IT-2026-1 v3 from NCB-IT, 1 person(s): 1 message(s) named, 1 stored message(s) deleted',
    ]);
    expect(logged.join('\n')).not.toMatch(/Xanthippe|P1|request/);
  });

  it('on a whole-case erasure deletes every stored message of the case', async () => {
    const { controller, received } = start();
    await deliver(controller, message('m1', 1));
    await deliver(controller, message('m2', 2));

    await deliver(controller, notice('n3', 3, { wholeCase: true, messageIds: ['m2'] }));

    expect(received.size).toBe(0);
    expect(logged.at(-1)).toContain('whole case: 1 message(s) named, 2 stored message(s) deleted');
  });

  it('drops a repeated notice, and after a restart acknowledges one whose acknowledgement did not get through', async () => {
    let { controller, received } = start();
    await deliver(controller, message('m1', 1));
    fetchMock.mockResolvedValueOnce(new Response('unavailable', { status: 503 }));
    await deliver(controller, notice('n2', 2, { personRefs: ['P1'], messageIds: ['m1'] }));
    expect(received.size).toBe(0);
    expect(received.check(notice('n2', 2, {}))).toMatchObject({ repeat: true, acknowledged: false });

    // The same process remembers it tried: the repeat is dropped without a call.
    fetchMock.mockClear();
    await deliver(controller, notice('n2', 2, { personRefs: ['P1'], messageIds: ['m1'] }));
    expect(fetchMock).not.toHaveBeenCalled();

    ({ controller, received } = start());
    await deliver(controller, notice('n2', 2, { personRefs: ['P1'], messageIds: ['m1'] }));
    await deliver(controller, notice('n2', 2, { personRefs: ['P1'], messageIds: ['m1'] }));

    expect(acknowledgedIds()).toEqual([['n2']]);
    expect(received.check(notice('n2', 2, {}))).toMatchObject({ repeat: true, acknowledged: true });
    expect(logged.filter((line) => line.includes('erasure notice n2'))).toHaveLength(1);
  });

  it('drops a repeated message after a restart without storing or acknowledging it again', async () => {
    await deliver(start().controller, message('m1', 1));
    fetchMock.mockClear();

    const { controller, received } = start();
    await deliver(controller, message('m1', 1));

    expect(fetchMock).not.toHaveBeenCalled();
    expect(received.size).toBe(1);
    expect(logged.at(-1)).toMatch(/^debug: .*repeat of m1 dropped/);
  });

  it('skips a record it cannot read, naming the problem', async () => {
    const { controller, received } = start();

    await deliver(controller, { ...notice('n1', 1, {}), personRefs: undefined } as ErasureNotice);

    expect(received.size).toBe(0);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(logged).toEqual([expect.stringMatching(/^warn: .*skipped, erasure notice: personRefs/)]);
  });
});
