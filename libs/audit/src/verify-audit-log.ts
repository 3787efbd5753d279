import { entryHash, GENESIS_HASH, type ChainHead } from './audit-entry';
import type { AuditLog } from './audit-log.port';
import { checkpointSignatureHolds, type AuditCheckpoint, type TrustedKeys } from './audit-signing';

export type AuditVerification =
  | {
      readonly ok: true;
      /** Entries verified, from `from` on. */
      readonly entries: number;
      readonly from: number;
      readonly head: ChainHead;
      readonly checkpoints: number;
      /** Entries after the last signed checkpoint: held by the chain only, until the next checkpoint signs them. */
      readonly unsignedTail: number;
    }
  | {
      readonly ok: false;
      readonly what: 'entry' | 'checkpoint';
      readonly seq: number;
      readonly reason: string;
      /** Entries that verified before the break. */
      readonly entries: number;
    };

export interface VerifyOptions {
  /**
   * The first entry to verify: its predecessor's signed checkpoint, or else its stored hash, is taken as
   * given. Default: the first stored entry (1, or after a prune the one after the checkpoint that anchors it).
   */
  readonly from?: number;
  readonly pageSize?: number;
  readonly onProgress?: (verified: number) => void;
}

type ChainSource = Pick<AuditLog, 'readChain' | 'readCheckpoints'>;

/**
 * Recomputes the chain over the stored bytes of every entry from `from` on,
 * and checks each checkpoint's head hash against it and its signature against
 * the trusted keys. Stops at the first entry or checkpoint that does not hold.
 */
export async function verifyAuditLog(log: ChainSource, trusted: TrustedKeys, options: VerifyOptions = {}): Promise<AuditVerification> {
  const pageSize = options.pageSize ?? 10_000;
  if (options.from !== undefined && (!Number.isSafeInteger(options.from) || options.from < 1)) throw new RangeError('from must be a whole number ≥ 1');
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError('pageSize must be a whole number ≥ 1');
  const from = options.from ?? (await firstStoredSeq(log));

  let previousHash = GENESIS_HASH;
  let anchored = 0;
  if (from > 1) {
    // A pruned log starts after a signed checkpoint, whose head hash anchors it; with --from, the stored hash may stand in.
    const [anchor] = await log.readCheckpoints(from - 2, 1);
    const [previous] = await log.readChain(from - 2, 1);
    if (anchor?.seq === from - 1) {
      if (!checkpointSignatureHolds(anchor, trusted)) {
        return { ok: false, what: 'checkpoint', seq: anchor.seq, reason: `is not signed by a trusted key (key id ${anchor.keyId})`, entries: 0 };
      }
      if (previous?.seq === from - 1 && previous.hash !== anchor.headHash) {
        return { ok: false, what: 'checkpoint', seq: anchor.seq, reason: 'names another head hash than the chain has', entries: 0 };
      }
      previousHash = anchor.headHash;
      anchored = 1;
    } else if (options.from !== undefined && previous?.seq === from - 1) {
      previousHash = previous.hash;
    } else {
      const reason = options.from === undefined ? 'is missing, and no signed checkpoint anchors the entries after it' : 'is missing';
      return { ok: false, what: 'entry', seq: from - 1, reason, entries: 0 };
    }
  }

  const checkpoints = new CheckpointCursor(log, from - 1);
  let expected = from;
  let verified = 0;
  let checkpointsVerified = anchored;
  let lastSigned = from - 1;
  const broken = (what: 'entry' | 'checkpoint', seq: number, reason: string): AuditVerification => ({ ok: false, what, seq, reason, entries: verified });

  for (;;) {
    const page = await log.readChain(expected - 1, pageSize);
    for (const entry of page) {
      if (entry.seq !== expected) return broken('entry', expected, entry.seq > expected ? 'is missing' : `is out of order (found ${entry.seq})`);
      if (!entry.text.startsWith(`{"seq":${entry.seq},`)) return broken('entry', entry.seq, 'holds the text of another entry');
      const hash = entryHash(previousHash, entry.text);
      if (hash !== entry.hash) return broken('entry', entry.seq, 'does not hash to its stored hash (changed, or its predecessor was)');
      previousHash = hash;
      verified += 1;
      expected += 1;
      for (let checkpoint = await checkpoints.at(entry.seq); checkpoint; checkpoint = await checkpoints.at(entry.seq)) {
        if (checkpoint.headHash !== hash) return broken('checkpoint', checkpoint.seq, 'names another head hash than the chain has');
        if (!checkpointSignatureHolds(checkpoint, trusted))
          return broken('checkpoint', checkpoint.seq, `is not signed by a trusted key (key id ${checkpoint.keyId})`);
        checkpointsVerified += 1;
        lastSigned = entry.seq;
      }
    }
    options.onProgress?.(verified);
    if (page.length < pageSize) break;
  }

  const beyond = await checkpoints.next();
  if (beyond) return broken('checkpoint', beyond.seq, `names entry ${beyond.seq}, which is not in the log (entries were removed from its end)`);
  return {
    ok: true,
    entries: verified,
    from,
    head: { seq: expected - 1, hash: previousHash },
    checkpoints: checkpointsVerified,
    unsignedTail: expected - 1 - lastSigned,
  };
}

/** The first stored entry; when a prune removed every entry, the one after the checkpoint that anchors the next. */
async function firstStoredSeq(log: ChainSource): Promise<number> {
  const [first] = await log.readChain(0, 1);
  if (first) return first.seq;
  const [anchor] = await log.readCheckpoints(0, 1);
  return anchor ? anchor.seq + 1 : 1;
}

/** The checkpoints in sequence order, read a page at a time. */
class CheckpointCursor {
  private page: AuditCheckpoint[] = [];
  private exhausted = false;

  constructor(
    private readonly log: ChainSource,
    private after: number,
  ) {}

  /** The next checkpoint if it is at `seq` (consumed); a checkpoint below `seq` is also returned, to fail on. */
  async at(seq: number): Promise<AuditCheckpoint | undefined> {
    const next = await this.next();
    if (!next || next.seq > seq) return undefined;
    this.page.shift();
    this.after = next.seq;
    return next.seq === seq ? next : { ...next, headHash: '' };
  }

  async next(): Promise<AuditCheckpoint | undefined> {
    if (this.page.length === 0 && !this.exhausted) {
      this.page = await this.log.readCheckpoints(this.after, 1_000);
      this.exhausted = this.page.length < 1_000;
    }
    return this.page[0];
  }
}
