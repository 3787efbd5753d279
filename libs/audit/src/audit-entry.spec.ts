import { createHash } from 'node:crypto';
import { canonicalEntryText, chainRecords, EMPTY_CHAIN, entryHash, GENESIS_HASH, indexKeysOf, parseStoredEntry, type AuditRecord } from './audit-entry';
import { auditRecord } from './testing/audit-fixtures';

const AT = '2026-03-14T09:30:00.000Z';

describe('canonicalEntryText', () => {
  const record: AuditRecord = {
    operation: 'disclose',
    party: 'NCB-NL',
    keyId: null,
    onBehalfOf: 'officer 4711',
    purpose: 'investigation',
    channel: 'kafka',
    cases: [
      { caseId: 'NL-2026-000002', messageIds: ['BBBBBBBB-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000001'] },
      { caseId: 'BE-2026-000001', messageIds: [] },
      { caseId: 'NL-2026-000002', messageIds: ['bbbbbbbb-0000-4000-8000-000000000002'] },
    ],
    recipients: ['NCB-DE', 'NCB-BE', 'NCB-DE'],
    requestId: 'req-1',
  };

  it('writes the fields in a fixed order, cases, message ids and recipients sorted and once, message ids lower-cased', () => {
    expect(canonicalEntryText(7, AT, record)).toBe(
      '{"seq":7,"at":"2026-03-14T09:30:00.000Z","operation":"disclose","party":"NCB-NL","keyId":null,"onBehalfOf":"officer 4711",' +
        '"purpose":"investigation","channel":"kafka",' +
        '"cases":[["BE-2026-000001",[]],["NL-2026-000002",["aaaaaaaa-0000-4000-8000-000000000001","bbbbbbbb-0000-4000-8000-000000000002"]]],' +
        '"recipients":["NCB-BE","NCB-DE"],"requestId":"req-1"}',
    );
  });

  it('gives equal records equal text, whatever the order of their lists and of their properties', () => {
    const reordered: AuditRecord = {
      requestId: 'req-1',
      recipients: ['NCB-BE', 'NCB-DE'],
      cases: [
        { caseId: 'NL-2026-000002', messageIds: ['bbbbbbbb-0000-4000-8000-000000000002'] },
        { caseId: 'BE-2026-000001', messageIds: [] },
        { caseId: 'NL-2026-000002', messageIds: ['AAAAAAAA-0000-4000-8000-000000000001', 'BBBBBBBB-0000-4000-8000-000000000002'] },
      ],
      channel: 'kafka',
      purpose: 'investigation',
      onBehalfOf: 'officer 4711',
      keyId: null,
      party: 'NCB-NL',
      operation: 'disclose',
    };

    expect(canonicalEntryText(7, AT, reordered)).toBe(canonicalEntryText(7, AT, record));
    expect(canonicalEntryText(7, AT, record)).toBe(canonicalEntryText(7, AT, record));
  });

  it('sorts by code point (upper before lower case) and keeps case ids as given', () => {
    const text = canonicalEntryText(
      1,
      AT,
      auditRecord({
        recipients: ['eu', 'EU-X', 'AGENCY'],
        cases: [
          { caseId: 'nl-1', messageIds: [] },
          { caseId: 'NL-1', messageIds: [] },
        ],
      }),
    );
    const parsed = JSON.parse(text) as { recipients: string[]; cases: [string, string[]][] };

    expect(parsed.recipients).toEqual(['AGENCY', 'EU-X', 'eu']);
    expect(parsed.cases).toEqual([
      ['NL-1', []],
      ['nl-1', []],
    ]);
  });

  it('differs when anything recorded differs: seq, time, or any field', () => {
    const base = canonicalEntryText(1, AT, auditRecord());
    const variants = [
      canonicalEntryText(2, AT, auditRecord()),
      canonicalEntryText(1, '2026-03-14T09:30:00.001Z', auditRecord()),
      canonicalEntryText(1, AT, auditRecord({ operation: 'alter' })),
      canonicalEntryText(1, AT, auditRecord({ party: 'NCB-BE' })),
      canonicalEntryText(1, AT, auditRecord({ keyId: null })),
      canonicalEntryText(1, AT, auditRecord({ onBehalfOf: null })),
      canonicalEntryText(1, AT, auditRecord({ purpose: 'other' })),
      canonicalEntryText(1, AT, auditRecord({ channel: 'grpc' })),
      canonicalEntryText(1, AT, auditRecord({ cases: [] })),
      canonicalEntryText(1, AT, auditRecord({ recipients: ['NCB-BE'] })),
      canonicalEntryText(1, AT, auditRecord({ requestId: null })),
    ];

    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });
});

describe('entryHash', () => {
  it('is the SHA-256 of the previous hash and the UTF-8 bytes of the text, in hex', () => {
    // printf '%s%s' 000…000 '{"seq":1,"purpose":"Grenzübergang 🚤"}' | sha256sum
    expect(entryHash(GENESIS_HASH, '{"seq":1,"purpose":"Grenzübergang 🚤"}')).toBe('15d29af9628cf1a9e4d43c5df3ab5ee606aa7d5ffbeba95e71fc8ad346f39fd8');
    const previous = 'ab'.repeat(32);
    expect(entryHash(previous, 'text')).toBe(createHash('sha256').update(`${previous}text`).digest('hex'));
  });
});

describe('chainRecords', () => {
  const records = [auditRecord({ party: 'NCB-NL' }), auditRecord({ party: 'NCB-BE' }), auditRecord({ party: 'NCB-DE' })];

  it('numbers the records after the head and chains each hash over the previous one, from the genesis hash', () => {
    const entries = chainRecords(EMPTY_CHAIN, records, AT);

    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(entries.map((entry) => entry.text)).toEqual(records.map((record, i) => canonicalEntryText(i + 1, AT, record)));
    expect(entries[0].hash).toBe(entryHash(GENESIS_HASH, entries[0].text));
    expect(entries[1].hash).toBe(entryHash(entries[0].hash, entries[1].text));
    expect(entries[2].hash).toBe(entryHash(entries[1].hash, entries[2].text));
  });

  it('goes on from a head that is not the start', () => {
    const head = { seq: 41, hash: 'cd'.repeat(32) };

    const [entry] = chainRecords(head, [records[0]], AT);

    expect(entry).toEqual({ seq: 42, text: canonicalEntryText(42, AT, records[0]), hash: entryHash(head.hash, canonicalEntryText(42, AT, records[0])) });
  });

  it('gives the same chain whether the records come in one batch or several', () => {
    const once = chainRecords(EMPTY_CHAIN, records, AT);
    const first = chainRecords(EMPTY_CHAIN, records.slice(0, 1), AT);
    const rest = chainRecords(first[0], records.slice(1), AT);

    expect([...first, ...rest]).toEqual(once);
  });

  it('chains nothing for no records', () => {
    expect(chainRecords(EMPTY_CHAIN, [], AT)).toEqual([]);
  });
});

describe('parseStoredEntry', () => {
  it('reads back the entry in canonical form, with the stored hash', () => {
    const record = auditRecord({
      recipients: ['NCB-DE', 'NCB-BE', 'NCB-DE'],
      cases: [
        { caseId: 'NL-2', messageIds: ['B-1', 'a-2'] },
        { caseId: 'BE-1', messageIds: [] },
      ],
    });
    const [stored] = chainRecords(EMPTY_CHAIN, [record], AT);

    expect(parseStoredEntry(stored)).toEqual({
      seq: 1,
      at: AT,
      ...record,
      cases: [
        { caseId: 'BE-1', messageIds: [] },
        { caseId: 'NL-2', messageIds: ['a-2', 'b-1'] },
      ],
      recipients: ['NCB-BE', 'NCB-DE'],
      hash: stored.hash,
    });
  });
});

describe('indexKeysOf', () => {
  it('names the acting party, each recipient and each case once', () => {
    const keys = indexKeysOf({
      party: 'NCB-NL',
      recipients: ['NCB-BE', 'NCB-NL', 'NCB-BE'],
      cases: [
        { caseId: 'NL-1', messageIds: [] },
        { caseId: 'NL-1', messageIds: ['x'] },
        { caseId: 'NCB-NL', messageIds: [] },
      ],
    });

    expect([...keys].sort()).toEqual(['case:NCB-NL', 'case:NL-1', 'party:NCB-BE', 'party:NCB-NL']);
  });
});
