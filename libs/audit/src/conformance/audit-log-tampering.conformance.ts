import { entryHash, type StoredAuditEntry } from '../audit-entry';
import type { AuditLog, CheckpointPolicy } from '../audit-log.port';
import type { AuditCheckpoint } from '../audit-signing';
import { auditRecord, auditTime, checkpointPolicy, newAuditSigner, trustedSigners } from '../testing/audit-fixtures';
import { verifyAuditLog, type AuditVerification } from '../verify-audit-log';

/**
 * Writes straight into an audit log's tables, past the adapter, as someone
 * with access to the database could: each engine's int-spec implements it with
 * a raw connection of its own (SQLite) or the admin pool (PostgreSQL).
 */
export interface RawAuditTables {
  /** The row of the entry at `seq` as stored. */
  entry(seq: number): Promise<Pick<StoredAuditEntry, 'text' | 'hash'>>;
  /** Overwrites the entry text and hash of the row at `seq`. */
  setEntry(seq: number, text: string, hash: string): Promise<void>;
  deleteEntries(seqs: readonly number[]): Promise<void>;
  insertCheckpoint(checkpoint: AuditCheckpoint): Promise<void>;
  /** Overwrites the given fields of the checkpoint row at `checkpoint.seq`. */
  setCheckpoint(checkpoint: Pick<AuditCheckpoint, 'seq'> & Partial<Omit<AuditCheckpoint, 'seq'>>): Promise<void>;
}

/**
 * What verifyAuditLog finds in a log changed behind the adapter's back. Call
 * it at the top level of an adapter's *.int-spec.ts. `openLog` opens a log on
 * storage of its own, empty, with the raw access to its tables; the suite
 * closes every log after each test.
 */
export function describeAuditLogTampering(name: string, openLog: (policy: CheckpointPolicy) => Promise<{ log: AuditLog; raw: RawAuditTables }>): void {
  describe(`AuditLog tampering: ${name}`, () => {
    const signer = newAuditSigner();
    const trusted = trustedSigners(signer);
    const opened: AuditLog[] = [];
    let log: AuditLog;
    let raw: RawAuditTables;

    const verify = (options: { from?: number } = {}): Promise<AuditVerification> => verifyAuditLog(log, trusted, options);

    /** Seven entries appended one by one, one party each; checkpoints at 1 (the first append), 4 and 7. */
    beforeEach(async () => {
      ({ log, raw } = await openLog(checkpointPolicy(signer, { everyEntries: 3 })));
      opened.push(log);
      for (let seq = 1; seq <= 7; seq++) {
        await log.append([auditRecord({ party: `NCB-P${seq}`, requestId: `req-${seq}` })], auditTime(seq * 1_000));
      }
      expect((await log.readCheckpoints(0, 10)).map((checkpoint) => checkpoint.seq)).toEqual([1, 4, 7]);
      expect(await verify()).toMatchObject({ ok: true, entries: 7, checkpoints: 3, unsignedTail: 0 });
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((each) => each.close()));
    });

    /** The text with the one (ASCII) character at `index` replaced by another. */
    const withByteChanged = (text: string, index: number): string => {
      expect(text.charCodeAt(index)).toBeLessThan(0x80);
      const replacement = text[index] === 'x' ? 'y' : 'x';
      return text.slice(0, index) + replacement + text.slice(index + 1);
    };

    describe('an entry changed', () => {
      it('fails at the entry when one byte of its text changed, wherever the byte is', async () => {
        const original = await raw.entry(5);
        const party = original.text.indexOf('NCB-P5');
        expect(party).toBeGreaterThan(0);
        const positions = [0, 1, 7, party + 5, Math.floor(original.text.length / 2), original.text.length - 1];

        for (const index of positions) {
          await raw.setEntry(5, withByteChanged(original.text, index), original.hash);

          expect({ index, verification: await verify() }).toMatchObject({ index, verification: { ok: false, what: 'entry', seq: 5, entries: 4 } });

          await raw.setEntry(5, original.text, original.hash);
        }
        expect(await verify()).toMatchObject({ ok: true, entries: 7 });
      });

      it('says the entry does not hash to its stored hash when a byte of its body changed', async () => {
        const original = await raw.entry(5);
        await raw.setEntry(5, original.text.replace('NCB-P5', 'NCB-P9'), original.hash);

        expect(await verify()).toEqual({ ok: false, what: 'entry', seq: 5, reason: expect.stringMatching(/does not hash to its stored hash/), entries: 4 });
      });

      it('fails at the entry when its stored hash changed', async () => {
        for (const seq of [1, 5, 7]) {
          const original = await raw.entry(seq);
          await raw.setEntry(seq, original.text, withByteChanged(original.hash, 10));

          expect(await verify()).toMatchObject({ ok: false, what: 'entry', seq, entries: seq - 1 });

          await raw.setEntry(seq, original.text, original.hash);
        }
      });
    });

    describe('an entry deleted', () => {
      it.each([3, 6])('names entry %i as missing', async (seq) => {
        await raw.deleteEntries([seq]);

        expect(await verify()).toEqual({ ok: false, what: 'entry', seq, reason: expect.stringMatching(/missing/), entries: seq - 1 });
      });

      it('names entry 1 as missing when asked to verify from 1; without `from`, says the log starts after the checkpoint at 1, as after a prune', async () => {
        await raw.deleteEntries([1]);

        expect(await verify({ from: 1 })).toEqual({ ok: false, what: 'entry', seq: 1, reason: expect.stringMatching(/missing/), entries: 0 });
        expect(await verify()).toMatchObject({ ok: true, from: 2 });
      });

      it('names the first missing entry when no signed checkpoint anchors what is left', async () => {
        await raw.deleteEntries([1, 2]);

        expect(await verify()).toEqual({ ok: false, what: 'entry', seq: 2, reason: expect.stringMatching(/no signed checkpoint anchors/), entries: 0 });
      });
    });

    describe('entries reordered', () => {
      it.each([
        [3, 4],
        [2, 6],
        [1, 7],
      ])('fails at the first of a swapped pair (%i and %i)', async (first, second) => {
        const [a, b] = [await raw.entry(first), await raw.entry(second)];
        await raw.setEntry(first, b.text, b.hash);
        await raw.setEntry(second, a.text, a.hash);

        expect(await verify()).toEqual({
          ok: false,
          what: 'entry',
          seq: first,
          reason: expect.stringMatching(/holds the text of another entry/),
          entries: first - 1,
        });
      });
    });

    describe('history rewritten', () => {
      /** Entry 5 changed and the hashes of 5, 6 and 7 recomputed: the chain holds, up to the checkpoint at 7. */
      const rewriteFromFive = async (): Promise<string> => {
        let previous = (await raw.entry(4)).hash;
        for (const seq of [5, 6, 7]) {
          const { text } = await raw.entry(seq);
          const rewritten = seq === 5 ? text.replace('NCB-P5', 'NCB-P9') : text;
          previous = entryHash(previous, rewritten);
          await raw.setEntry(seq, rewritten, previous);
        }
        return previous;
      };

      it('fails at the next checkpoint, which names another head hash', async () => {
        await rewriteFromFive();

        expect(await verify()).toEqual({ ok: false, what: 'checkpoint', seq: 7, reason: expect.stringMatching(/another head hash/), entries: 7 });
      });

      it('fails at that checkpoint when it was signed again over the new head by a key that is not trusted', async () => {
        const newHead = await rewriteFromFive();
        const [checkpoint] = await log.readCheckpoints(6, 1);
        const forged = newAuditSigner().sign({ seq: 7, headHash: newHead, at: checkpoint.at });
        await raw.setCheckpoint(forged);

        expect(await verify()).toEqual({ ok: false, what: 'checkpoint', seq: 7, reason: expect.stringMatching(/not signed by a trusted key/), entries: 7 });
      });
    });

    describe('a checkpoint forged', () => {
      it('fails at a checkpoint inserted with the signature of a key that is not trusted', async () => {
        const { hash } = await raw.entry(2);
        await raw.insertCheckpoint(newAuditSigner().sign({ seq: 2, headHash: hash, at: auditTime(2_000).toISOString() }));

        expect(await verify()).toEqual({ ok: false, what: 'checkpoint', seq: 2, reason: expect.stringMatching(/not signed by a trusted key/), entries: 2 });
      });

      it("fails at a checkpoint inserted under the trusted key's id with a signature over another statement", async () => {
        const { hash } = await raw.entry(5);
        const [signed] = await log.readCheckpoints(0, 1);
        await raw.insertCheckpoint({ seq: 5, headHash: hash, at: signed.at, keyId: signer.keyId, signature: signed.signature });

        expect(await verify()).toMatchObject({ ok: false, what: 'checkpoint', seq: 5, entries: 5 });
      });

      /** Changes to the checkpoint at 4, given the raw tables, the checkpoint at 1 and the one at 4. */
      const alterations: [string, (raw: RawAuditTables, first: AuditCheckpoint, own: AuditCheckpoint) => Promise<Partial<Omit<AuditCheckpoint, 'seq'>>>][] = [
        ['head_hash', async (tables) => ({ headHash: (await tables.entry(3)).hash })],
        ['signature', async (_, first) => ({ signature: first.signature })],
        ['signature (one character)', async (_, __, own) => ({ signature: withByteChanged(own.signature, 0) })],
        ['at', async () => ({ at: auditTime(4_001).toISOString() })],
        ['key_id', async () => ({ keyId: newAuditSigner().keyId })],
      ];

      it.each(alterations)('fails at a checkpoint whose %s was altered', async (_field, change) => {
        const [first, fourth] = await log.readCheckpoints(0, 10);
        expect(fourth.seq).toBe(4);
        await raw.setCheckpoint({ seq: 4, ...(await change(raw, first, fourth)) });

        expect(await verify()).toMatchObject({ ok: false, what: 'checkpoint', seq: 4, entries: 4 });
      });
    });

    describe('entries removed from the end', () => {
      it.each([[[7]], [[6, 7]], [[5, 6, 7]]])('fails at the checkpoint above the chain when %j are removed', async (seqs) => {
        await raw.deleteEntries(seqs);

        expect(await verify()).toEqual({
          ok: false,
          what: 'checkpoint',
          seq: 7,
          reason: expect.stringMatching(/not in the log/),
          entries: 7 - seqs.length,
        });
      });

      it('fails at the lowest checkpoint above the chain when several are', async () => {
        await raw.deleteEntries([3, 4, 5, 6, 7]);

        expect(await verify()).toMatchObject({ ok: false, what: 'checkpoint', seq: 4, entries: 2 });
      });
    });
  });
}
