import { createHash } from 'node:crypto';

export const AUDIT_OPERATIONS = ['collect', 'consult', 'disclose', 'alter', 'erase', 'admin'] as const;
export type AuditOperation = (typeof AUDIT_OPERATIONS)[number];

export const AUDIT_CHANNELS = ['http', 'feed', 'sse', 'kafka', 'grpc'] as const;
export type AuditChannel = (typeof AUDIT_CHANNELS)[number];

/** The messages of one case that an operation touched (none for a case read as a whole, e.g. a board's). */
export interface TouchedCase {
  readonly caseId: string;
  readonly messageIds: readonly string[];
}

/**
 * What happened, as the process that did it states it. Identifiers only:
 * no message content and no personal data (Purpose and On-Behalf-Of are the
 * caller's own words, kept as sent).
 */
export interface AuditRecord {
  readonly operation: AuditOperation;
  /** The acting party: the caller, or for a disclosure the sender whose message was distributed. */
  readonly party: string;
  /** Which of the party's API keys made the call; null when no key did (the dispatcher's disclosures). */
  readonly keyId: string | null;
  readonly onBehalfOf: string | null;
  readonly purpose: string | null;
  readonly channel: AuditChannel;
  readonly cases: readonly TouchedCase[];
  /** The parties data was disclosed to. */
  readonly recipients: readonly string[];
  readonly requestId: string | null;
}

/** A record in the chain: numbered, timed, and hashed over the previous entry's hash and its own canonical text. */
export interface AuditEntry extends AuditRecord {
  readonly seq: number;
  readonly at: string;
  readonly hash: string;
}

/** An entry as stored: its canonical text is what the hash covers, so the verifier hashes the stored bytes. */
export interface StoredAuditEntry {
  readonly seq: number;
  readonly text: string;
  readonly hash: string;
}

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export const EMPTY_CHAIN: ChainHead = { seq: 0, hash: GENESIS_HASH };

/**
 * The entry's canonical text: fixed key order, case ids, message ids and
 * recipients sorted and without repeats, so that equal entries have equal bytes.
 */
export function canonicalEntryText(seq: number, at: string, record: AuditRecord): string {
  const cases = new Map<string, Set<string>>();
  for (const touched of record.cases) {
    const ids = cases.get(touched.caseId) ?? new Set<string>();
    for (const messageId of touched.messageIds) ids.add(messageId.toLowerCase());
    cases.set(touched.caseId, ids);
  }
  const canonical = {
    seq,
    at,
    operation: record.operation,
    party: record.party,
    keyId: record.keyId,
    onBehalfOf: record.onBehalfOf,
    purpose: record.purpose,
    channel: record.channel,
    cases: [...cases.keys()].sort().map((caseId) => [caseId, [...cases.get(caseId)!].sort()]),
    recipients: [...new Set(record.recipients)].sort(),
    requestId: record.requestId,
  };
  return JSON.stringify(canonical);
}

export const entryHash = (previousHash: string, text: string): string => createHash('sha256').update(previousHash, 'latin1').update(text, 'utf8').digest('hex');

/** Numbers, times and hashes the records after the head, in order. */
export function chainRecords(head: ChainHead, records: readonly AuditRecord[], at: string): StoredAuditEntry[] {
  let { seq, hash } = head;
  return records.map((record) => {
    seq += 1;
    const text = canonicalEntryText(seq, at, record);
    hash = entryHash(hash, text);
    return { seq, text, hash };
  });
}

type CanonicalEntry = {
  seq: number;
  at: string;
  operation: AuditOperation;
  party: string;
  keyId: string | null;
  onBehalfOf: string | null;
  purpose: string | null;
  channel: AuditChannel;
  cases: [string, string[]][];
  recipients: string[];
  requestId: string | null;
};

/** The entry a stored text holds. */
export function parseStoredEntry(stored: StoredAuditEntry): AuditEntry {
  const entry = JSON.parse(stored.text) as CanonicalEntry;
  return {
    seq: entry.seq,
    at: entry.at,
    operation: entry.operation,
    party: entry.party,
    keyId: entry.keyId,
    onBehalfOf: entry.onBehalfOf,
    purpose: entry.purpose,
    channel: entry.channel,
    cases: entry.cases.map(([caseId, messageIds]) => ({ caseId, messageIds })),
    recipients: entry.recipients,
    requestId: entry.requestId,
    hash: stored.hash,
  };
}

/** The keys an entry is found by: each case it touched and each party in it (acting or receiving). */
export function indexKeysOf(record: Pick<AuditRecord, 'party' | 'cases' | 'recipients'>): string[] {
  const keys = new Set<string>([partyKey(record.party)]);
  for (const recipient of record.recipients) keys.add(partyKey(recipient));
  for (const touched of record.cases) keys.add(caseKey(touched.caseId));
  return [...keys];
}

export const caseKey = (caseId: string): string => `case:${caseId}`;
export const partyKey = (party: string): string => `party:${party}`;
