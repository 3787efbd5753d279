import { readDelivery, type Delivery } from './delivery';

describe('readDelivery', () => {
  const value: Delivery = {
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
    expect(readDelivery({ value, key: value.caseId, headers })).toEqual({ ok: true, delivery: value });
    expect(readDelivery({ value, key: Buffer.from(value.caseId), headers: { 'message-id': Buffer.from(value.messageId) } })).toMatchObject({
      ok: true,
    });
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
});
