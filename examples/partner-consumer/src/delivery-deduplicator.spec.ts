import { DeliveryDeduplicator, type DeliveryIdentity } from './delivery-deduplicator';

describe('DeliveryDeduplicator', () => {
  const delivery = (messageId: string, caseId: string, caseVersion: number): DeliveryIdentity => ({ messageId, caseId, caseVersion });

  it('lets a first delivery through and drops it when it comes again', () => {
    const deduplicator = new DeliveryDeduplicator();
    const first = delivery('m1', 'IT-2026-1', 1);

    expect(deduplicator.check(first)).toEqual({ repeat: false });
    deduplicator.record(first);

    expect(deduplicator.check(first)).toEqual({ repeat: true, reason: 'message-id' });
  });

  it('check() alone remembers nothing: a delivery that was not handled is not a repeat', () => {
    const deduplicator = new DeliveryDeduplicator();
    const first = delivery('m1', 'IT-2026-1', 1);

    deduplicator.check(first);

    expect(deduplicator.check(first)).toEqual({ repeat: false });
    expect(deduplicator.size).toEqual({ messageIds: 0, cases: 0 });
  });

  it('treats a case version at or below the last one seen for its case as a repeat, whatever its message id', () => {
    const deduplicator = new DeliveryDeduplicator();
    deduplicator.record(delivery('m3', 'IT-2026-1', 3));

    expect(deduplicator.check(delivery('m-other', 'IT-2026-1', 3))).toEqual({ repeat: true, reason: 'case-version', lastCaseVersion: 3 });
    expect(deduplicator.check(delivery('m2', 'IT-2026-1', 2))).toEqual({ repeat: true, reason: 'case-version', lastCaseVersion: 3 });
    expect(deduplicator.check(delivery('m5', 'IT-2026-1', 5))).toEqual({ repeat: false });
  });

  it('allows gaps in case versions: a party only receives the messages it is entitled to', () => {
    const deduplicator = new DeliveryDeduplicator();

    for (const [messageId, caseVersion] of [
      ['m1', 1],
      ['m4', 4],
      ['m9', 9],
    ] as const) {
      expect(deduplicator.accept(delivery(messageId, 'IT-2026-1', caseVersion))).toEqual({ repeat: false });
    }
    expect(deduplicator.accept(delivery('m4', 'IT-2026-1', 4))).toEqual({ repeat: true, reason: 'message-id' });
  });

  it('keeps cases apart', () => {
    const deduplicator = new DeliveryDeduplicator();
    deduplicator.record(delivery('a7', 'IT-2026-1', 7));

    expect(deduplicator.check(delivery('b1', 'GR-2026-9', 1))).toEqual({ repeat: false });
  });

  it('never lowers a case version it has seen', () => {
    const deduplicator = new DeliveryDeduplicator();
    deduplicator.record(delivery('m5', 'IT-2026-1', 5));
    deduplicator.record(delivery('m3', 'IT-2026-1', 3));

    expect(deduplicator.check(delivery('m4', 'IT-2026-1', 4))).toEqual({ repeat: true, reason: 'case-version', lastCaseVersion: 5 });
  });

  it('stays within its bounds, forgetting the least recently used ids and cases first', () => {
    const deduplicator = new DeliveryDeduplicator({ maxMessageIds: 3, maxCases: 2 });
    deduplicator.record(delivery('m1', 'case-a', 1));
    deduplicator.record(delivery('m2', 'case-b', 1));
    // Seeing m1 again makes it recent, so m2 is the oldest id now.
    expect(deduplicator.check(delivery('m1', 'case-a', 1)).repeat).toBe(true);
    deduplicator.record(delivery('m3', 'case-c', 1));
    deduplicator.record(delivery('m4', 'case-c', 2));

    expect(deduplicator.size).toEqual({ messageIds: 3, cases: 2 });
    expect(deduplicator.check(delivery('m1', 'case-x', 1))).toEqual({ repeat: true, reason: 'message-id' });
    expect(deduplicator.check(delivery('m2', 'case-x', 1))).toEqual({ repeat: false });
    // case-a was the least recently recorded case when case-c came: forgotten, so version 1 passes again.
    expect(deduplicator.check(delivery('m-new', 'case-a', 1))).toEqual({ repeat: false });
    expect(deduplicator.check(delivery('m-new', 'case-c', 2))).toEqual({ repeat: true, reason: 'case-version', lastCaseVersion: 2 });
  });

  it('holds a bounded number of entries however many deliveries pass', () => {
    const deduplicator = new DeliveryDeduplicator({ maxMessageIds: 100, maxCases: 10 });

    for (let index = 0; index < 10_000; index++) deduplicator.accept(delivery(`m${index}`, `case-${index % 37}`, index + 1));

    expect(deduplicator.size).toEqual({ messageIds: 100, cases: 10 });
  });

  it('refuses bounds that are not positive whole numbers', () => {
    expect(() => new DeliveryDeduplicator({ maxMessageIds: 0 })).toThrow('maxMessageIds');
    expect(() => new DeliveryDeduplicator({ maxCases: 1.5 })).toThrow('maxCases');
  });
});
