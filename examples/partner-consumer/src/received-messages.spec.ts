import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErasureNotice, MessageDelivery } from './delivery';
import { ReceivedMessages } from './received-messages';

describe('ReceivedMessages', () => {
  let directory: string;
  let file: string;
  const opened: ReceivedMessages[] = [];
  const open = (): ReceivedMessages => {
    const store = ReceivedMessages.open(file, { now: () => new Date('2026-04-01T12:00:00.000Z') });
    opened.push(store);
    return store;
  };
  /** Closes the store and opens its file again: what a restart of the consumer does. */
  const restart = (store: ReceivedMessages): ReceivedMessages => {
    store.close();
    return open();
  };

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'partner-consumer-'));
    file = join(directory, 'nested', 'ncb-gr.sqlite');
  });

  afterEach(() => {
    for (const store of opened.splice(0)) store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const message = (messageId: string, caseId: string, caseVersion: number, person = 'Jane Roe'): MessageDelivery => ({
    caseId,
    position: String(1000 + caseVersion),
    caseVersion,
    messageId,
    type: caseVersion === 1 ? 'case.opened' : 'case.updated',
    sender: 'NCB-IT',
    sentAt: '2026-03-14T09:30:00Z',
    receivedAt: '2026-03-14T09:30:01.000Z',
    priority: 'urgent',
    handling: { code: 'H2' },
    evaluation: { source: 'B', information: '2' },
    body: { persons: [{ ref: 'P1', name: person }], documents: [{ ref: 'D1', erased: true }] },
  });
  const notice = (messageId: string, caseId: string, caseVersion: number, erased: Partial<ErasureNotice>): ErasureNotice => ({
    caseId,
    position: String(2000 + caseVersion),
    caseVersion,
    messageId,
    type: 'erasure.notice',
    sender: 'NCB-IT',
    receivedAt: '2026-04-01T10:00:00.000Z',
    messageIds: [],
    erasedAt: '2026-04-01T10:00:00.000Z',
    reason: 'court order',
    ...erased,
  });

  it('stores a message delivery as received, in a file it creates with its directory', () => {
    const store = open();
    const m1 = message('m1', 'IT-2026-1', 1);

    expect(store.check(m1)).toEqual({ repeat: false });
    expect(store.storeMessage(m1)).toBe(true);

    expect(existsSync(file)).toBe(true);
    expect(store.message('m1')).toEqual({
      messageId: 'm1',
      caseId: 'IT-2026-1',
      caseVersion: 1,
      type: 'case.opened',
      value: m1,
      storedAt: '2026-04-01T12:00:00.000Z',
    });
    expect(store.messagesOf('IT-2026-1')).toHaveLength(1);
  });

  it('drops a repeat by message id or by case version, and stores nothing for it', () => {
    const store = open();
    store.storeMessage(message('m3', 'IT-2026-1', 3));

    expect(store.check(message('m3', 'IT-2026-1', 3))).toEqual({ repeat: true, reason: 'message-id', acknowledged: false });
    expect(store.check(message('m2', 'IT-2026-1', 2))).toEqual({ repeat: true, reason: 'case-version', lastCaseVersion: 3 });
    expect(store.check(message('m5', 'IT-2026-1', 5))).toEqual({ repeat: false });
    expect(store.check(message('b1', 'GR-2026-9', 1))).toEqual({ repeat: false });
    expect(store.storeMessage(message('m2', 'IT-2026-1', 2))).toBe(false);
    expect(store.size).toBe(1);
  });

  it('drops a repeat after a restart: the message and its case version are in the file', () => {
    let store = open();
    store.storeMessage(message('m1', 'IT-2026-1', 1));
    store.storeMessage(message('m4', 'IT-2026-1', 4));

    store = restart(store);

    expect(store.check(message('m4', 'IT-2026-1', 4))).toEqual({ repeat: true, reason: 'message-id', acknowledged: false });
    expect(store.check(message('m3', 'IT-2026-1', 3))).toEqual({ repeat: true, reason: 'case-version', lastCaseVersion: 4 });
    expect(store.storeMessage(message('m4', 'IT-2026-1', 4))).toBe(false);
    expect(store.messagesOf('IT-2026-1').map((stored) => stored.messageId)).toEqual(['m1', 'm4']);
  });

  it('remembers across a restart whether a delivery was acknowledged', () => {
    let store = open();
    store.storeMessage(message('m1', 'IT-2026-1', 1));
    store.storeMessage(message('m2', 'IT-2026-1', 2));
    store.acknowledged('m1');

    store = restart(store);

    expect(store.check(message('m1', 'IT-2026-1', 1))).toMatchObject({ reason: 'message-id', acknowledged: true });
    expect(store.check(message('m2', 'IT-2026-1', 2))).toMatchObject({ reason: 'message-id', acknowledged: false });
  });

  it('deletes the stored messages a person erasure names, and only those', () => {
    const store = open();
    store.storeMessage(message('m1', 'IT-2026-1', 1));
    store.storeMessage(message('m2', 'IT-2026-1', 2));
    store.storeMessage(message('m3', 'IT-2026-1', 3));

    // m9 was never received here (or is gone already): nothing to delete for it.
    const erasure = notice('n4', 'IT-2026-1', 4, { personRefs: ['P1'], messageIds: ['m1', 'm3', 'm9'] });
    expect(store.erase(erasure)).toEqual({ deleted: 2 });

    expect(store.message('m1')).toBeUndefined();
    expect(store.message('m3')).toBeUndefined();
    expect(store.messagesOf('IT-2026-1').map((stored) => stored.messageId)).toEqual(['m2']);
    expect(store.check(erasure)).toEqual({ repeat: true, reason: 'message-id', acknowledged: false });
  });

  it('deletes every stored message of the case on a whole-case erasure, whichever it names', () => {
    const store = open();
    store.storeMessage(message('m1', 'IT-2026-1', 1));
    store.storeMessage(message('m2', 'IT-2026-1', 2));
    store.storeMessage(message('other', 'GR-2026-9', 1));

    expect(store.erase(notice('n3', 'IT-2026-1', 3, { wholeCase: true, messageIds: ['m1'] }))).toEqual({ deleted: 2 });

    expect(store.messagesOf('IT-2026-1')).toEqual([]);
    expect(store.messagesOf('GR-2026-9').map((stored) => stored.messageId)).toEqual(['other']);
  });

  it('never stores an erased message again when it is delivered again, even after a restart', () => {
    let store = open();
    const m1 = message('m1', 'IT-2026-1', 1);
    store.storeMessage(m1);
    store.erase(notice('n2', 'IT-2026-1', 2, { wholeCase: true, messageIds: ['m1'] }));

    store = restart(store);

    expect(store.check(m1)).toMatchObject({ repeat: true, reason: 'message-id' });
    expect(store.storeMessage(m1)).toBe(false);
    expect(store.size).toBe(0);
    // Later messages of the case come above the erasure's version, and are stored.
    expect(store.storeMessage(message('m3', 'IT-2026-1', 3))).toBe(true);
  });

  it('handles a repeated notice idempotently: nothing more is deleted, and it stays handled across a restart', () => {
    let store = open();
    store.storeMessage(message('m1', 'IT-2026-1', 1));
    store.storeMessage(message('m2', 'IT-2026-1', 2));
    const erasure = notice('n3', 'IT-2026-1', 3, { personRefs: ['P1'], messageIds: ['m1'] });

    expect(store.erase(erasure)).toEqual({ deleted: 1 });
    expect(store.erase(erasure)).toEqual({ deleted: 0 });
    store.acknowledged('n3');

    store = restart(store);

    expect(store.check(erasure)).toEqual({ repeat: true, reason: 'message-id', acknowledged: true });
    expect(store.erase(erasure)).toEqual({ deleted: 0 });
    expect(store.messagesOf('IT-2026-1').map((stored) => stored.messageId)).toEqual(['m2']);
  });

  it('leaves no trace of the erased content in the file or its write-ahead log', () => {
    const store = open();
    store.storeMessage(message('m1', 'IT-2026-1', 1, 'Xanthippe Quarrington'));
    store.storeMessage(message('m2', 'IT-2026-1', 2, 'Someone Else'));
    const bytes = (): string =>
      ['', '-wal']
        .map((suffix) => `${file}${suffix}`)
        .filter(existsSync)
        .map((path) => readFileSync(path).toString('latin1'))
        .join('');
    expect(bytes()).toContain('Xanthippe Quarrington');

    store.erase(notice('n3', 'IT-2026-1', 3, { personRefs: ['P1'], messageIds: ['m1'] }));

    expect(bytes()).not.toContain('Xanthippe Quarrington');
    expect(bytes()).toContain('Someone Else');
  });
});
