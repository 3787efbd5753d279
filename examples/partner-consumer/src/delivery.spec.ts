import { readDelivery, type ErasureNotice, type MessageDelivery } from './delivery';

describe('readDelivery', () => {
  const value: MessageDelivery = {
    caseId: 'IT-2026-000123',
    position: '1234',
    caseVersion: 2,
    messageId: '0b8e2c8e-6f0a-4c43-9d1b-3f1f2a9a7c11',
    type: 'case.updated',
    sender: 'NCB-IT',
    sentAt: '2026-03-14T09:30:00Z',
    receivedAt: '2026-03-14T09:30:01.000Z',
    priority: 'urgent',
    handling: { code: 'H2' },
    evaluation: { source: 'B', information: '2' },
    body: { title: 'x' },
  };
  const headers = { 'message-id': value.messageId, 'message-type': value.type, 'case-version': '2' };

  it('reads a record whose key and headers agree with its value', () => {
    expect(readDelivery({ value, key: value.caseId, headers })).toEqual({ ok: true, kind: 'message', delivery: value });
    expect(readDelivery({ value, key: Buffer.from(value.caseId), headers: { 'message-id': Buffer.from(value.messageId) } })).toMatchObject({
      ok: true,
      kind: 'message',
    });
  });

  it('reads a message whose body holds placeholders of erased or restricted data', () => {
    const body = {
      persons: [
        { ref: 'P1', erased: true },
        { ref: 'P2', restricted: true },
      ],
      documents: [{ ref: 'D1', erased: true }],
      payments: [{ payerRef: 'P1', erased: true }],
    };

    expect(readDelivery({ value: { ...value, body }, key: value.caseId, headers })).toEqual({ ok: true, kind: 'message', delivery: { ...value, body } });
  });

  it('refuses a record whose headers or key contradict its value', () => {
    expect(readDelivery({ value, key: value.caseId, headers: { ...headers, 'message-id': 'other' } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('message-id'),
    });
    expect(readDelivery({ value, key: value.caseId, headers: { ...headers, 'case-version': '3' } })).toMatchObject({ ok: false });
    expect(readDelivery({ value, key: 'GR-2026-1', headers })).toMatchObject({ ok: false, reason: expect.stringContaining('key') });
  });

  it('refuses values that are not deliveries', () => {
    expect(readDelivery({ value: 'not json', key: null, headers: {} })).toMatchObject({ ok: false });
    expect(readDelivery({ value: { ...value, caseVersion: 0 }, key: null, headers: {} })).toMatchObject({ ok: false });
    expect(readDelivery({ value: { ...value, messageId: undefined }, key: null, headers: {} })).toMatchObject({ ok: false });
    expect(readDelivery({ value: { ...value, body: [] }, key: null, headers: {} })).toMatchObject({ ok: false });
  });

  describe('on erasure notices', () => {
    const notice: ErasureNotice = {
      caseId: 'IT-2026-000123',
      position: '1300',
      caseVersion: 5,
      messageId: '7d1c9a40-2b7e-4f0e-9a55-1c2d3e4f5a6b',
      type: 'erasure.notice',
      sender: 'NCB-IT',
      receivedAt: '2026-04-01T10:00:00.000Z',
      personRefs: ['P1'],
      messageIds: [value.messageId, 'a1b2c3d4-0000-4000-8000-000000000001'],
      erasedAt: '2026-04-01T10:00:00.000Z',
      reason: 'court order 12/2026',
    };
    const noticeHeaders = { 'message-id': notice.messageId, 'message-type': 'erasure.notice', 'case-version': '5' };
    const { personRefs: _persons, ...wholeCaseNotice } = { ...notice, wholeCase: true as const };

    it('reads a person erasure and a whole-case erasure, with no sentAt, priority, handling, evaluation nor body', () => {
      expect(readDelivery({ value: notice, key: notice.caseId, headers: noticeHeaders })).toEqual({
        ok: true,
        kind: 'erasure.notice',
        delivery: notice,
      });
      expect(readDelivery({ value: wholeCaseNotice, key: Buffer.from(notice.caseId), headers: noticeHeaders })).toEqual({
        ok: true,
        kind: 'erasure.notice',
        delivery: wholeCaseNotice,
      });
    });

    it.each([
      ['messageId', { messageId: undefined }, 'messageId'],
      ['caseId', { caseId: '' }, 'caseId'],
      ['position', { position: 1300 }, 'position'],
      ['sender', { sender: undefined }, 'sender'],
      ['receivedAt', { receivedAt: undefined }, 'receivedAt'],
      ['erasedAt', { erasedAt: undefined }, 'erasedAt'],
      ['reason', { reason: undefined }, 'reason'],
      ['caseVersion', { caseVersion: 0 }, 'caseVersion'],
      ['messageIds', { messageIds: undefined }, 'messageIds'],
      ['messageIds holding a non-id', { messageIds: [value.messageId, 7] }, 'messageIds'],
      ['personRefs without wholeCase', { personRefs: undefined }, 'personRefs'],
      ['personRefs holding a non-reference', { personRefs: [''] }, 'personRefs'],
      ['wholeCase other than true', { wholeCase: false }, 'wholeCase'],
      ['personRefs with wholeCase', { wholeCase: true }, 'wholeCase'],
    ])('refuses a notice with a bad %s', (_name, change, field) => {
      expect(readDelivery({ value: { ...notice, ...change }, key: notice.caseId, headers: noticeHeaders })).toEqual({
        ok: false,
        reason: expect.stringMatching(new RegExp(`^erasure notice: .*${field}`)),
      });
    });

    it('does not take a message delivery for a notice, nor a notice for a message', () => {
      expect(readDelivery({ value: { ...value, type: 'erasure.notice' }, key: null, headers: {} })).toMatchObject({
        ok: false,
        reason: expect.stringContaining('erasure notice'),
      });
      expect(readDelivery({ value: { ...notice, type: 'case.updated' }, key: null, headers: {} })).toMatchObject({ ok: false });
    });

    it('refuses a notice whose headers or key contradict its value', () => {
      for (const [name, header] of [
        ['message-id', 'other'],
        ['message-type', 'case.updated'],
        ['case-version', '4'],
      ]) {
        expect(readDelivery({ value: notice, key: notice.caseId, headers: { ...noticeHeaders, [name]: header } })).toEqual({
          ok: false,
          reason: expect.stringContaining(`header ${name}`),
        });
      }
      expect(readDelivery({ value: notice, key: 'GR-2026-1', headers: noticeHeaders })).toEqual({
        ok: false,
        reason: expect.stringContaining('record key'),
      });
    });

    it('names fields in its reasons, never the values of persons', () => {
      const read = readDelivery({ value: { ...notice, personRefs: ['P1', 42] }, key: notice.caseId, headers: noticeHeaders });

      expect(read.ok).toBe(false);
      expect(JSON.stringify(read)).not.toContain('P1');
    });
  });
});
