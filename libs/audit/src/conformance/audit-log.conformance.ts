import { canonicalEntryText, EMPTY_CHAIN, entryHash, GENESIS_HASH, type AuditEntry, type AuditRecord } from '../audit-entry';
import { MAX_AUDIT_PAGE, type AuditLog, type AuditQuery, type CheckpointPolicy } from '../audit-log.port';
import { checkpointSignatureHolds, type AuditCheckpoint } from '../audit-signing';
import {
  AUDIT_CASE_A,
  AUDIT_CASE_B,
  AUDIT_CASE_C,
  AUDIT_T0,
  auditMessageId,
  auditRecord,
  auditTime,
  checkpointPolicy,
  newAuditSigner,
  trustedSigners,
} from '../testing/audit-fixtures';
import { verifyAuditLog } from '../verify-audit-log';

/** An audit log on storage of its own, and a way to open another log object (its own connection) on the same storage. */
export interface OpenedAuditLog {
  readonly log: AuditLog;
  /** Another AuditLog on the same storage, as a second process of the exchange has it. */
  openAnother(policy: CheckpointPolicy): Promise<AuditLog>;
}

const NL = 'NCB-NL';
const BE = 'NCB-BE';
const DE = 'NCB-DE';
/** Any error, whichever realm made it: toThrow() misses the errors of a native module loaded by an earlier test file of the worker. */
const AN_ERROR = { message: expect.any(String) };

/**
 * The behaviour every AuditLog adapter must show, as a jest suite. Call it at
 * the top level of an adapter's *.int-spec.ts. `openLog` opens a log with the
 * given checkpoint policy on storage of its own, empty; the suite closes every
 * log it opened (the other ones included) after each test.
 */
export function describeAuditLogConformance(name: string, openLog: (policy: CheckpointPolicy) => Promise<OpenedAuditLog>): void {
  describe(`AuditLog conformance: ${name}`, () => {
    const signer = newAuditSigner();
    const trusted = trustedSigners(signer);
    const opened: AuditLog[] = [];
    let log: AuditLog;

    /** A log of its own with `policy` (rare checkpoints by default), and the way to a second object on its storage. */
    const open = async (
      policy: Partial<Omit<CheckpointPolicy, 'signer'>> = {},
    ): Promise<{ log: AuditLog; openAnother: (otherPolicy?: CheckpointPolicy) => Promise<AuditLog> }> => {
      const fullPolicy = checkpointPolicy(signer, policy);
      const storage = await openLog(fullPolicy);
      opened.push(storage.log);
      return {
        log: storage.log,
        openAnother: async (otherPolicy = fullPolicy) => {
          const another = await storage.openAnother(otherPolicy);
          opened.push(another);
          return another;
        },
      };
    };

    /** Appends each record on its own, the i-th at AUDIT_T0 + i seconds; the entries written. */
    const appendOneByOne = async (target: AuditLog, records: readonly AuditRecord[], startSecond = 0): Promise<AuditEntry[]> => {
      const entries: AuditEntry[] = [];
      for (const [i, record] of records.entries()) entries.push(...(await target.append([record], auditTime((startSecond + i) * 1_000))));
      return entries;
    };

    const seqsOf = (entries: readonly { readonly seq: number }[]): number[] => entries.map((entry) => entry.seq);
    const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

    beforeEach(async () => {
      ({ log } = await open());
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((each) => each.close()));
    });

    describe('an empty log', () => {
      it('has the empty head and no entries or checkpoints, and verifies as empty', async () => {
        expect(await log.head()).toEqual(EMPTY_CHAIN);
        expect(await log.query({ limit: 10 })).toEqual([]);
        expect(await log.query({ caseId: AUDIT_CASE_A, limit: 10 })).toEqual([]);
        expect(await log.query({ party: NL, limit: 10 })).toEqual([]);
        expect(await log.readChain(0, 10)).toEqual([]);
        expect(await log.readCheckpoints(0, 10)).toEqual([]);

        expect(await verifyAuditLog(log, trusted)).toEqual({ ok: true, entries: 0, from: 1, head: EMPTY_CHAIN, checkpoints: 0, unsignedTail: 0 });
      });

      it('signs no checkpoint of an empty chain, however late', async () => {
        expect(await log.checkpointIfDue(auditTime(365 * 24 * 3_600_000))).toBeUndefined();
        expect(await log.readCheckpoints(0, 10)).toEqual([]);
      });
    });

    describe('append', () => {
      it('numbers the entries from 1, all at `at`, in canonical form, each hash chained from the genesis hash', async () => {
        const first = auditRecord({
          operation: 'disclose',
          party: NL,
          keyId: null,
          onBehalfOf: null,
          purpose: null,
          channel: 'kafka',
          cases: [
            { caseId: AUDIT_CASE_B, messageIds: [auditMessageId(3), auditMessageId(1)] },
            { caseId: AUDIT_CASE_A, messageIds: [] },
            { caseId: AUDIT_CASE_B, messageIds: [auditMessageId(1).toLowerCase(), auditMessageId(2)] },
          ],
          recipients: [DE, BE, DE],
          requestId: null,
        });
        const second = auditRecord({ operation: 'consult', party: BE, keyId: 'be-key-7', channel: 'feed', requestId: 'req-2' });

        const entries = await log.append([first, second], AUDIT_T0);

        const at = AUDIT_T0.toISOString();
        const stored = await log.readChain(0, 10);
        expect(stored.map((entry) => entry.text)).toEqual([canonicalEntryText(1, at, first), canonicalEntryText(2, at, second)]);
        const hash1 = entryHash(GENESIS_HASH, stored[0].text);
        const hash2 = entryHash(hash1, stored[1].text);
        expect(stored).toEqual([
          { seq: 1, text: stored[0].text, hash: hash1 },
          { seq: 2, text: stored[1].text, hash: hash2 },
        ]);
        expect(entries).toEqual([
          {
            seq: 1,
            at,
            operation: 'disclose',
            party: NL,
            keyId: null,
            onBehalfOf: null,
            purpose: null,
            channel: 'kafka',
            // BE-… sorts before NL-…; the message ids lower-cased, sorted, the repeated one once.
            cases: [
              { caseId: AUDIT_CASE_B, messageIds: [auditMessageId(1).toLowerCase(), auditMessageId(2).toLowerCase(), auditMessageId(3).toLowerCase()] },
              { caseId: AUDIT_CASE_A, messageIds: [] },
            ],
            recipients: [BE, DE],
            requestId: null,
            hash: hash1,
          },
          {
            seq: 2,
            at,
            operation: 'consult',
            party: BE,
            keyId: 'be-key-7',
            onBehalfOf: 'officer 4711',
            purpose: 'investigation OP-HYDRA-2026',
            channel: 'feed',
            cases: [{ caseId: AUDIT_CASE_A, messageIds: [] }],
            recipients: [],
            requestId: 'req-2',
            hash: hash2,
          },
        ]);
        expect(await log.head()).toEqual({ seq: 2, hash: hash2 });
        expect(await log.query({ limit: 10 })).toEqual(entries);
      });

      it('chains a later append after the head, at its own time', async () => {
        const [first] = await log.append([auditRecord()], AUDIT_T0);
        const later = auditTime(90_000);

        const entries = await log.append([auditRecord({ party: BE }), auditRecord({ party: DE })], later);

        expect(entries.map((entry) => [entry.seq, entry.at, entry.party])).toEqual([
          [2, later.toISOString(), BE],
          [3, later.toISOString(), DE],
        ]);
        const stored = await log.readChain(1, 10);
        expect(entries[0].hash).toBe(entryHash(first.hash, stored[0].text));
        expect(entries[1].hash).toBe(entryHash(entries[0].hash, stored[1].text));
        expect(await log.head()).toEqual({ seq: 3, hash: entries[1].hash });
      });

      it('keeps the text as given, byte for byte: non-ASCII, quotes, backslashes, line breaks', async () => {
        const purpose = 'Ermittlung „Grenzübergang" — \\ back\nslash 🚤 «ΑΒΓ»';
        const [entry] = await log.append([auditRecord({ purpose, onBehalfOf: 'Œdipe Ñandú' })], AUDIT_T0);

        expect(entry).toMatchObject({ purpose, onBehalfOf: 'Œdipe Ñandú' });
        expect((await log.query({ limit: 1 }))[0]).toEqual(entry);
        const [stored] = await log.readChain(0, 1);
        expect(stored.text).toBe(canonicalEntryText(1, AUDIT_T0.toISOString(), auditRecord({ purpose, onBehalfOf: 'Œdipe Ñandú' })));
        expect(stored.hash).toBe(entryHash(GENESIS_HASH, stored.text));
        expect(await verifyAuditLog(log, trusted)).toMatchObject({ ok: true, entries: 1 });
      });

      it('writes nothing for no records: no entry and no checkpoint, however late', async () => {
        expect(await log.append([], AUDIT_T0)).toEqual([]);
        expect(await log.head()).toEqual(EMPTY_CHAIN);
        expect(await log.readCheckpoints(0, 10)).toEqual([]);

        await log.append([auditRecord()], AUDIT_T0);
        await log.append([auditRecord()], auditTime(1_000));
        const head = await log.head();

        expect(await log.append([], auditTime(24 * 3_600_000))).toEqual([]);

        expect(await log.head()).toEqual(head);
        expect(seqsOf(await log.readChain(0, 10))).toEqual([1, 2]);
        expect(seqsOf(await log.readCheckpoints(0, 10))).toEqual([1]);
      });
    });

    describe('query', () => {
      /** Seven entries: which cases, parties and operations each has is in the comments. */
      const records: AuditRecord[] = [
        /* 1 */ auditRecord({ operation: 'consult', party: NL, cases: [{ caseId: AUDIT_CASE_A, messageIds: [] }] }),
        /* 2 */ auditRecord({
          operation: 'disclose',
          party: NL,
          keyId: null,
          channel: 'kafka',
          cases: [{ caseId: AUDIT_CASE_A, messageIds: [auditMessageId(1)] }],
          recipients: [BE, DE],
        }),
        /* 3 */ auditRecord({ operation: 'collect', party: BE, cases: [{ caseId: AUDIT_CASE_B, messageIds: [auditMessageId(2)] }] }),
        /* 4 */ auditRecord({
          operation: 'consult',
          party: DE,
          cases: [
            { caseId: AUDIT_CASE_A, messageIds: [] },
            { caseId: AUDIT_CASE_B, messageIds: [] },
          ],
        }),
        /* 5 */ auditRecord({ operation: 'alter', party: NL, cases: [{ caseId: AUDIT_CASE_B, messageIds: [auditMessageId(3)] }] }),
        /* 6 */ auditRecord({
          operation: 'disclose',
          party: BE,
          keyId: null,
          channel: 'sse',
          cases: [{ caseId: AUDIT_CASE_C, messageIds: [auditMessageId(4)] }],
          recipients: [NL],
        }),
        /* 7 */ auditRecord({ operation: 'admin', party: 'AUDITOR-EU', cases: [], recipients: [] }),
      ];
      let written: AuditEntry[];

      beforeEach(async () => {
        written = [...(await log.append(records.slice(0, 3), AUDIT_T0)), ...(await log.append(records.slice(3), auditTime(1_000)))];
      });

      const seqs = async (query: AuditQuery): Promise<number[]> => seqsOf(await log.query(query));

      it('without filters reads every entry in sequence order, as append returned it', async () => {
        expect(await log.query({ limit: MAX_AUDIT_PAGE })).toEqual(written);
      });

      it('finds the entries of a case', async () => {
        expect(await seqs({ caseId: AUDIT_CASE_A, limit: 100 })).toEqual([1, 2, 4]);
        expect(await seqs({ caseId: AUDIT_CASE_B, limit: 100 })).toEqual([3, 4, 5]);
        expect(await seqs({ caseId: AUDIT_CASE_C, limit: 100 })).toEqual([6]);
        expect(await seqs({ caseId: 'XX-2026-999999', limit: 100 })).toEqual([]);
        expect(await log.query({ caseId: AUDIT_CASE_C, limit: 100 })).toEqual([written[5]]);
      });

      it('finds the entries of a party, acting or receiving', async () => {
        expect(await seqs({ party: NL, limit: 100 })).toEqual([1, 2, 5, 6]);
        expect(await seqs({ party: BE, limit: 100 })).toEqual([2, 3, 6]);
        expect(await seqs({ party: DE, limit: 100 })).toEqual([2, 4]);
        expect(await seqs({ party: 'AUDITOR-EU', limit: 100 })).toEqual([7]);
        expect(await seqs({ party: 'NCB-XX', limit: 100 })).toEqual([]);
      });

      it('keeps cases and parties apart: a party is not found as a case, nor a case as a party', async () => {
        expect(await seqs({ caseId: NL, limit: 100 })).toEqual([]);
        expect(await seqs({ party: AUDIT_CASE_A, limit: 100 })).toEqual([]);
      });

      it('finds the entries of an operation', async () => {
        expect(await seqs({ operation: 'disclose', limit: 100 })).toEqual([2, 6]);
        expect(await seqs({ operation: 'consult', limit: 100 })).toEqual([1, 4]);
        expect(await seqs({ operation: 'admin', limit: 100 })).toEqual([7]);
        expect(await seqs({ operation: 'erase', limit: 100 })).toEqual([]);
      });

      it('combines the filters: an entry must match every one', async () => {
        expect(await seqs({ caseId: AUDIT_CASE_A, party: DE, limit: 100 })).toEqual([2, 4]);
        expect(await seqs({ caseId: AUDIT_CASE_B, party: NL, limit: 100 })).toEqual([5]);
        expect(await seqs({ caseId: AUDIT_CASE_C, party: DE, limit: 100 })).toEqual([]);
        expect(await seqs({ caseId: AUDIT_CASE_A, operation: 'consult', limit: 100 })).toEqual([1, 4]);
        expect(await seqs({ party: NL, operation: 'disclose', limit: 100 })).toEqual([2, 6]);
        expect(await seqs({ party: BE, operation: 'consult', limit: 100 })).toEqual([]);
        expect(await seqs({ caseId: AUDIT_CASE_B, party: BE, operation: 'collect', limit: 100 })).toEqual([3]);
        expect(await seqs({ caseId: AUDIT_CASE_B, party: BE, operation: 'alter', limit: 100 })).toEqual([]);
      });

      it('pages by afterSeq and limit, alone and with filters', async () => {
        expect(await seqs({ limit: 3 })).toEqual([1, 2, 3]);
        expect(await seqs({ afterSeq: 3, limit: 3 })).toEqual([4, 5, 6]);
        expect(await seqs({ afterSeq: 6, limit: 3 })).toEqual([7]);
        expect(await seqs({ afterSeq: 7, limit: 3 })).toEqual([]);
        expect(await seqs({ afterSeq: 0, limit: 1 })).toEqual([1]);
        expect(await seqs({ afterSeq: 1_000_000, limit: 3 })).toEqual([]);

        expect(await seqs({ caseId: AUDIT_CASE_A, limit: 2 })).toEqual([1, 2]);
        expect(await seqs({ caseId: AUDIT_CASE_A, afterSeq: 2, limit: 2 })).toEqual([4]);
        expect(await seqs({ party: NL, afterSeq: 1, limit: 2 })).toEqual([2, 5]);
        expect(await seqs({ party: NL, afterSeq: 5, limit: 2 })).toEqual([6]);
        expect(await seqs({ caseId: AUDIT_CASE_B, party: NL, afterSeq: 4, limit: 1 })).toEqual([5]);
        expect(await seqs({ operation: 'disclose', afterSeq: 2, limit: 10 })).toEqual([6]);
      });

      it('refuses a limit outside 1..MAX_AUDIT_PAGE and an afterSeq that is not a whole number ≥ 0, with RangeError', async () => {
        for (const limit of [0, -1, 1.5, MAX_AUDIT_PAGE + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
          await expect(log.query({ limit })).rejects.toBeInstanceOf(RangeError);
          await expect(log.query({ caseId: AUDIT_CASE_A, party: NL, limit })).rejects.toBeInstanceOf(RangeError);
        }
        for (const afterSeq of [-1, 1.5, Number.NaN, 2 ** 53]) {
          await expect(log.query({ afterSeq, limit: 10 })).rejects.toBeInstanceOf(RangeError);
          await expect(log.query({ party: NL, afterSeq, limit: 10 })).rejects.toBeInstanceOf(RangeError);
          await expect(log.readChain(afterSeq, 10)).rejects.toBeInstanceOf(RangeError);
          await expect(log.readCheckpoints(afterSeq, 10)).rejects.toBeInstanceOf(RangeError);
        }
        expect(await seqs({ limit: MAX_AUDIT_PAGE })).toEqual(range(1, 7));
      });
    });

    describe('readChain and readCheckpoints', () => {
      it('read strictly after afterSeq, in sequence order, at most limit', async () => {
        ({ log } = await open({ everyEntries: 2 }));
        await appendOneByOne(
          log,
          range(1, 7).map((n) => auditRecord({ requestId: `req-${n}` })),
        );

        expect(seqsOf(await log.readChain(0, 100))).toEqual(range(1, 7));
        expect(seqsOf(await log.readChain(2, 3))).toEqual([3, 4, 5]);
        expect(seqsOf(await log.readChain(6, 3))).toEqual([7]);
        expect(await log.readChain(7, 3)).toEqual([]);
        // First append, then every two entries: 1, 3, 5, 7.
        expect(seqsOf(await log.readCheckpoints(0, 100))).toEqual([1, 3, 5, 7]);
        expect(seqsOf(await log.readCheckpoints(1, 2))).toEqual([3, 5]);
        expect(seqsOf(await log.readCheckpoints(5, 10))).toEqual([7]);
        expect(await log.readCheckpoints(7, 10)).toEqual([]);
        // No cap on a read of the chain (the verifier reads 10,000 at a time), but "at most limit" holds.
        expect(await log.readChain(0, 0)).toEqual([]);
        expect(await log.readCheckpoints(0, 0)).toEqual([]);
        for (const limit of [-1, 1.5, Number.NaN]) {
          await expect(log.readChain(0, limit)).rejects.toBeInstanceOf(RangeError);
          await expect(log.readCheckpoints(0, limit)).rejects.toBeInstanceOf(RangeError);
        }
      });

      it('order by number past 9 and 99 (not as text): head, chain, checkpoints, the last checkpoint and paging', async () => {
        ({ log } = await open({ everyEntries: 3 }));
        await appendOneByOne(
          log,
          range(1, 16).map((n) => auditRecord({ requestId: `req-${n}` })),
        );
        // Counted from the checkpoint at 13, not from one that sorts last as text ('7').
        expect(seqsOf(await log.readCheckpoints(0, 100))).toEqual([1, 4, 7, 10, 13, 16]);

        await log.append(
          range(17, 111).map((n) => auditRecord({ requestId: `req-${n}` })),
          auditTime(60_000),
        );
        const [next] = await log.append([auditRecord({ requestId: 'req-112' })], auditTime(61_000));

        expect(next.seq).toBe(112);
        expect(await log.head()).toEqual({ seq: 112, hash: next.hash });
        expect(seqsOf(await log.readChain(0, 1_000))).toEqual(range(1, 112));
        expect(seqsOf(await log.readChain(9, 3))).toEqual([10, 11, 12]);
        expect(seqsOf(await log.readChain(99, 3))).toEqual([100, 101, 102]);
        expect(seqsOf(await log.readCheckpoints(0, 100))).toEqual([1, 4, 7, 10, 13, 16, 111]);
        expect(seqsOf(await log.readCheckpoints(9, 2))).toEqual([10, 13]);
        expect(seqsOf(await log.query({ afterSeq: 99, limit: 3 }))).toEqual([100, 101, 102]);
        expect(seqsOf(await log.query({ caseId: AUDIT_CASE_A, afterSeq: 9, limit: 2 }))).toEqual([10, 11]);
        expect(await verifyAuditLog(log, trusted, { pageSize: 7 })).toEqual({
          ok: true,
          entries: 112,
          from: 1,
          head: { seq: 112, hash: next.hash },
          checkpoints: 7,
          unsignedTail: 1,
        });
      });
    });

    describe('checkpoints', () => {
      /** Checks a checkpoint names the stored entry at its seq, at `at`, signed by the suite's key (and by no other). */
      const expectSignedHead = async (checkpoint: AuditCheckpoint, at: Date): Promise<void> => {
        const [entry] = await log.readChain(checkpoint.seq - 1, 1);
        expect(entry.seq).toBe(checkpoint.seq);
        expect(checkpoint).toEqual({ seq: entry.seq, headHash: entry.hash, at: at.toISOString(), keyId: signer.keyId, signature: expect.any(String) });
        expect(checkpointSignatureHolds(checkpoint, trusted)).toBe(true);
        expect(checkpointSignatureHolds(checkpoint, trustedSigners(newAuditSigner()))).toBe(false);
      };

      it('signs the first append of an empty log, then every `everyEntries` entries; a batch gets one checkpoint, of its last entry', async () => {
        ({ log } = await open({ everyEntries: 3 }));
        await appendOneByOne(
          log,
          range(1, 8).map((n) => auditRecord({ requestId: `req-${n}` })),
        );

        const checkpoints = await log.readCheckpoints(0, 100);
        expect(seqsOf(checkpoints)).toEqual([1, 4, 7]);
        for (const checkpoint of checkpoints) await expectSignedHead(checkpoint, auditTime((checkpoint.seq - 1) * 1_000));

        // 8 is one past the checkpoint at 7; a batch of 5 ends at 13, six past it: one checkpoint, at 13.
        await log.append(
          range(9, 13).map((n) => auditRecord({ requestId: `req-${n}` })),
          auditTime(60_000),
        );
        const [latest, ...none] = await log.readCheckpoints(7, 100);
        expect(none).toEqual([]);
        await expectSignedHead(latest, auditTime(60_000));
        expect(latest.seq).toBe(13);
      });

      it('checkpointIfDue signs the head only when entries came since the last checkpoint and everyMs has passed', async () => {
        ({ log } = await open({ everyEntries: 100, everyMs: 60_000 }));
        await log.append([auditRecord()], AUDIT_T0);
        expect(seqsOf(await log.readCheckpoints(0, 10))).toEqual([1]);

        expect(await log.checkpointIfDue(auditTime(120_000))).toBeUndefined(); // nothing came since

        await log.append([auditRecord({ requestId: 'req-2' })], auditTime(1_000));
        expect(await log.checkpointIfDue(auditTime(59_999))).toBeUndefined(); // too soon
        expect(seqsOf(await log.readCheckpoints(0, 10))).toEqual([1]);

        const due = await log.checkpointIfDue(auditTime(60_000));

        expect(due).toBeDefined();
        await expectSignedHead(due!, auditTime(60_000));
        expect(due!.seq).toBe(2);
        expect(await log.readCheckpoints(1, 10)).toEqual([due]);
        expect(await log.checkpointIfDue(auditTime(600_000))).toBeUndefined(); // nothing came since
        expect(seqsOf(await log.readCheckpoints(0, 10))).toEqual([1, 2]);
      });

      it('an append signs when everyMs has passed since the last checkpoint, before everyEntries entries came', async () => {
        ({ log } = await open({ everyEntries: 100, everyMs: 60_000 }));
        await log.append([auditRecord()], AUDIT_T0);
        await log.append([auditRecord()], auditTime(59_999));
        expect(seqsOf(await log.readCheckpoints(0, 10))).toEqual([1]);

        await log.append([auditRecord(), auditRecord()], auditTime(60_000));

        const checkpoints = await log.readCheckpoints(0, 10);
        expect(seqsOf(checkpoints)).toEqual([1, 4]);
        await expectSignedHead(checkpoints[1], auditTime(60_000));
      });

      it('takes the last checkpoint from storage: a log object that did not sign it counts from it too', async () => {
        const storage = await open({ everyEntries: 3 });
        log = storage.log;
        const another = await storage.openAnother();
        await appendOneByOne(log, [auditRecord(), auditRecord()]); // checkpoint at 1 (the first append)

        await appendOneByOne(another, [auditRecord()], 2); // 3: two past 1, not a first append
        expect(seqsOf(await log.readCheckpoints(0, 10))).toEqual([1]);
        await appendOneByOne(another, [auditRecord()], 3); // 4: three past 1
        expect(seqsOf(await log.readCheckpoints(0, 10))).toEqual([1, 4]);

        expect(await log.checkpointIfDue(auditTime(10 * 3_600_000))).toBeUndefined(); // nothing came since 4
        await appendOneByOne(log, [auditRecord()], 4); // 5: one past 4
        expect(seqsOf(await log.readCheckpoints(0, 10))).toEqual([1, 4]);
      });

      it('verifies across a key rotation when both keys are trusted, and names the first checkpoint of a key that is not', async () => {
        const next = newAuditSigner();
        const storage = await open({ everyEntries: 3 });
        log = storage.log;
        await appendOneByOne(log, [auditRecord(), auditRecord(), auditRecord()]); // checkpoint at 1, by the suite's key
        const rotated = await storage.openAnother(checkpointPolicy(next, { everyEntries: 3 }));
        await appendOneByOne(rotated, [auditRecord()], 3); // checkpoint at 4, by the next key

        const checkpoints = await log.readCheckpoints(0, 10);
        expect(checkpoints.map((checkpoint) => [checkpoint.seq, checkpoint.keyId])).toEqual([
          [1, signer.keyId],
          [4, next.keyId],
        ]);
        expect(await verifyAuditLog(log, trustedSigners(signer, next))).toMatchObject({ ok: true, entries: 4, checkpoints: 2, unsignedTail: 0 });
        expect(await verifyAuditLog(log, trusted)).toMatchObject({ ok: false, what: 'checkpoint', seq: 4, entries: 4 });
        expect(await verifyAuditLog(log, trustedSigners(next))).toMatchObject({ ok: false, what: 'checkpoint', seq: 1, entries: 1 });
      });
    });

    describe('concurrency', () => {
      it('two log objects on the same storage appending concurrently form one chain, without gap or fork', async () => {
        const storage = await open({ everyEntries: 5, everyMs: 2_000 });
        log = storage.log;
        const another = await storage.openAnother();
        const appends: Promise<readonly AuditEntry[]>[] = [];
        for (let i = 0; i < 20; i++) {
          const size = (i % 3) + 1;
          for (const [target, party] of [
            [log, NL],
            [another, BE],
          ] as const) {
            const batch = range(1, size).map((n) => auditRecord({ party, requestId: `${party}-${i}-${n}` }));
            appends.push(target.append(batch, auditTime(i * 500)));
          }
        }
        appends.push(
          log.checkpointIfDue(auditTime(30_000)).then(() => []),
          another.checkpointIfDue(auditTime(31_000)).then(() => []),
        );

        const written = await Promise.all(appends);

        const total = 2 * range(0, 19).reduce((sum, i) => sum + (i % 3) + 1, 0);
        for (const batch of written.filter((each) => each.length > 0)) {
          expect(seqsOf(batch)).toEqual(range(batch[0].seq, batch[0].seq + batch.length - 1));
        }
        expect(
          written
            .flat()
            .map((entry) => entry.seq)
            .sort((a, b) => a - b),
        ).toEqual(range(1, total));
        expect(seqsOf(await log.readChain(0, 1_000))).toEqual(range(1, total));
        expect(new Set((await log.query({ limit: MAX_AUDIT_PAGE })).map((entry) => entry.requestId)).size).toBe(total);
        const head = await log.head();
        expect(head.seq).toBe(total);
        expect(await another.head()).toEqual(head);
        const verification = await verifyAuditLog(another, trusted);
        expect(verification).toMatchObject({ ok: true, entries: total, head });
        expect(verification.ok && verification.checkpoints).toBeGreaterThan(1);
      });
    });

    describe('verifyAuditLog on an honest log', () => {
      beforeEach(async () => {
        ({ log } = await open({ everyEntries: 3 }));
        await appendOneByOne(
          log,
          range(1, 8).map((n) => auditRecord({ requestId: `req-${n}` })),
        ); // checkpoints at 1, 4, 7
      });

      it('holds: every entry and checkpoint verifies, the head is the log’s, one entry after the last checkpoint', async () => {
        const head = await log.head();
        expect(head.seq).toBe(8);

        expect(await verifyAuditLog(log, trusted)).toEqual({ ok: true, entries: 8, from: 1, head, checkpoints: 3, unsignedTail: 1 });
      });

      it('reads the chain a page at a time with the same result, reporting progress', async () => {
        const progress: number[] = [];

        const verification = await verifyAuditLog(log, trusted, { pageSize: 3, onProgress: (verified) => progress.push(verified) });

        expect(verification).toEqual({ ok: true, entries: 8, from: 1, head: await log.head(), checkpoints: 3, unsignedTail: 1 });
        expect(progress).toEqual([3, 6, 8]);
        expect(await verifyAuditLog(log, trusted, { pageSize: 4 })).toEqual(verification);
        expect(await verifyAuditLog(log, trusted, { pageSize: 1 })).toEqual(verification);
      });

      it('verifies from `from` on, anchored by the checkpoint of the entry before it, else taking that entry’s stored hash as given', async () => {
        const head = await log.head();

        expect(await verifyAuditLog(log, trusted, { from: 5 })).toEqual({ ok: true, entries: 4, from: 5, head, checkpoints: 2, unsignedTail: 1 });
        expect(await verifyAuditLog(log, trusted, { from: 2 })).toEqual({ ok: true, entries: 7, from: 2, head, checkpoints: 3, unsignedTail: 1 });
        expect(await verifyAuditLog(log, trusted, { from: 8 })).toEqual({ ok: true, entries: 1, from: 8, head, checkpoints: 1, unsignedTail: 1 });
        expect(await verifyAuditLog(log, trusted, { from: 6 })).toEqual({ ok: true, entries: 3, from: 6, head, checkpoints: 1, unsignedTail: 1 });
        expect(await verifyAuditLog(log, trusted, { from: 9 })).toEqual({ ok: true, entries: 0, from: 9, head, checkpoints: 0, unsignedTail: 0 });
        expect(await verifyAuditLog(log, trusted, { from: 10 })).toMatchObject({ ok: false, what: 'entry', seq: 9, entries: 0 });
        for (const from of [0, -1, 1.5]) await expect(verifyAuditLog(log, trusted, { from })).rejects.toBeInstanceOf(RangeError);
      });

      it('fails at the first checkpoint when the key that signed it is not trusted', async () => {
        expect(await verifyAuditLog(log, trustedSigners(newAuditSigner()))).toMatchObject({ ok: false, what: 'checkpoint', seq: 1, entries: 1 });
      });
    });

    describe('prune', () => {
      const seqsIn = async (target: AuditLog) => ({
        entries: seqsOf(await target.readChain(0, 100)),
        checkpoints: seqsOf(await target.readCheckpoints(0, 100)),
      });

      beforeEach(async () => {
        ({ log } = await open({ everyEntries: 3 }));
        await appendOneByOne(
          log,
          range(1, 8).map((n) => auditRecord({ requestId: `req-${n}`, party: n % 2 === 0 ? NL : BE })),
        ); // checkpoints at 1 (T0), 4 (T0 + 3 s), 7 (T0 + 6 s)
      });

      it('removes the entries through the newest checkpoint signed before the time, which stays and anchors the rest', async () => {
        const head = await log.head();

        expect(await log.prune(auditTime(5_000), { dryRun: true })).toEqual({ entries: 4, throughSeq: 4 });
        expect(await seqsIn(log)).toEqual({ entries: range(1, 8), checkpoints: [1, 4, 7] });

        expect(await log.prune(auditTime(5_000))).toEqual({ entries: 4, throughSeq: 4 });

        expect(await seqsIn(log)).toEqual({ entries: [5, 6, 7, 8], checkpoints: [4, 7] });
        expect(seqsOf(await log.query({ party: NL, limit: 10 }))).toEqual([6, 8]);
        expect(await log.head()).toEqual(head);
        expect(await verifyAuditLog(log, trusted)).toEqual({ ok: true, entries: 4, from: 5, head, checkpoints: 2, unsignedTail: 1 });
        expect(await verifyAuditLog(log, trustedSigners(newAuditSigner()))).toMatchObject({ ok: false, what: 'checkpoint', seq: 4, entries: 0 });
        expect(await log.prune(auditTime(5_000))).toEqual({ entries: 0, throughSeq: 4 });
      });

      it('removes nothing when no checkpoint is older than the time', async () => {
        expect(await log.prune(auditTime(-1_000))).toEqual({ entries: 0, throughSeq: 0 });
        expect(await log.prune(AUDIT_T0)).toEqual({ entries: 0, throughSeq: 0 });
        expect(await seqsIn(log)).toEqual({ entries: range(1, 8), checkpoints: [1, 4, 7] });
      });

      it('goes on chaining after a prune, also one that removed every entry: the anchoring checkpoint is the head', async () => {
        const { log: everyEntry } = await open({ everyEntries: 1 });
        const [, , third] = await appendOneByOne(
          everyEntry,
          range(1, 3).map(() => auditRecord()),
        );

        expect(await everyEntry.prune(auditTime(60_000))).toEqual({ entries: 3, throughSeq: 3 });
        expect(await everyEntry.head()).toEqual({ seq: 3, hash: third.hash });
        expect(await verifyAuditLog(everyEntry, trusted)).toMatchObject({ ok: true, entries: 0, from: 4, checkpoints: 1 });

        const [fourth] = await everyEntry.append([auditRecord()], auditTime(61_000));
        expect(fourth.seq).toBe(4);
        expect(fourth.hash).toBe(entryHash(third.hash, (await everyEntry.readChain(3, 1))[0].text));
        expect(await verifyAuditLog(everyEntry, trusted)).toMatchObject({ ok: true, entries: 1, from: 4, head: { seq: 4, hash: fourth.hash } });
      });
    });

    describe('ping and close', () => {
      it('answers ping while open; after close() calls reject, and close() again is harmless', async () => {
        await expect(log.ping()).resolves.toBeUndefined();

        await log.close();
        await log.close();

        await expect(log.ping()).rejects.toMatchObject(AN_ERROR);
        await expect(log.append([auditRecord()], AUDIT_T0)).rejects.toMatchObject(AN_ERROR);
        await expect(log.query({ limit: 10 })).rejects.toMatchObject(AN_ERROR);
      });
    });
  });
}
