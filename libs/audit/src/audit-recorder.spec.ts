import { AuditUnavailable } from '@cmx/errors';
import type { AuditEntry, AuditRecord } from './audit-entry';
import type { AuditLog } from './audit-log.port';
import { AuditRecorder } from './audit-recorder';
import type { AuditCheckpoint } from './audit-signing';
import { AUDIT_T0, auditRecord, auditTime } from './testing/audit-fixtures';

/** An append the test settles when it likes. */
interface PendingAppend {
  readonly records: readonly AuditRecord[];
  readonly at: Date;
  resolve(): void;
  reject(error: unknown): void;
}

/** Only append and checkpointIfDue: the recorder uses nothing else. Every append waits until the test settles it. */
class HeldAuditLog implements AuditLog {
  readonly appends: PendingAppend[] = [];
  readonly checkpointTimes: Date[] = [];
  checkpointResult: () => Promise<AuditCheckpoint | undefined> = async () => undefined;

  append(records: readonly AuditRecord[], at: Date): Promise<readonly AuditEntry[]> {
    return new Promise((resolve, reject) => this.appends.push({ records: [...records], at, resolve: () => resolve([]), reject }));
  }

  checkpointIfDue(at: Date): Promise<AuditCheckpoint | undefined> {
    this.checkpointTimes.push(at);
    return this.checkpointResult();
  }

  query = unused;
  readChain = unused;
  readCheckpoints = unused;
  head = unused;
  prune = unused;
  ping = unused;
  close = unused;
}

function unused(): never {
  throw new Error('the recorder does not call this');
}

/** Lets every settled promise's callbacks run (the recorder's included). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The caller's promise, with whether it has settled and how. */
function watched(promise: Promise<void>): { promise: Promise<void>; state: () => 'pending' | 'resolved' | 'rejected' } {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  return { promise, state: () => state };
}

const numbered = (n: number): AuditRecord => auditRecord({ requestId: `req-${n}` });
const requestIds = (records: readonly AuditRecord[]): (string | null)[] => records.map((record) => record.requestId);
const ids = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `req-${from + i}`);

describe('AuditRecorder', () => {
  let log: HeldAuditLog;
  let recorder: AuditRecorder;
  let clock: number;

  beforeEach(() => {
    log = new HeldAuditLog();
    clock = 0;
    recorder = new AuditRecorder(log, () => auditTime(clock++ * 1_000));
  });

  describe('group commit', () => {
    it('turns N concurrent record() calls while an append is pending into one next append, each caller settling only when its append has', async () => {
      const callers = Array.from({ length: 50 }, (_, n) => watched(recorder.record(numbered(n))));
      await settle();

      expect(log.appends).toHaveLength(1);
      expect(requestIds(log.appends[0].records)).toEqual(['req-0']);
      expect(callers.map((caller) => caller.state())).toEqual(Array(50).fill('pending'));

      log.appends[0].resolve();
      await settle();

      expect(log.appends).toHaveLength(2);
      expect(requestIds(log.appends[1].records)).toEqual(ids(1, 49));
      expect(callers.map((caller) => caller.state())).toEqual(['resolved', ...Array(49).fill('pending')]);

      log.appends[1].resolve();
      await Promise.all(callers.map((caller) => caller.promise));

      expect(log.appends).toHaveLength(2);
    });

    it("keeps each caller's records together and every record in call order, each append at the recorder's time", async () => {
      void recorder.record(numbered(0));
      const second = recorder.record(numbered(1), numbered(2));
      const third = recorder.record(numbered(3));
      await settle();
      log.appends[0].resolve();
      await settle();

      expect(requestIds(log.appends[1].records)).toEqual(['req-1', 'req-2', 'req-3']);
      expect(log.appends.map((append) => append.at)).toEqual([AUDIT_T0, auditTime(1_000)]);
      log.appends[1].resolve();
      await Promise.all([second, third]);
    });

    it('appends again at once when records come after the log is idle', async () => {
      const first = recorder.record(numbered(0));
      log.appends[0].resolve();
      await first;

      const second = recorder.record(numbered(1));

      expect(log.appends).toHaveLength(2);
      log.appends[1].resolve();
      await second;
    });

    it('appends nothing for a call without records', async () => {
      await recorder.record();

      expect(log.appends).toEqual([]);
    });

    it('puts at most 5,000 records in one append, never splitting a caller, who may bring more alone', async () => {
      const many = (count: number, from: number) => Array.from({ length: count }, (_, i) => numbered(from + i));
      const callers = [
        recorder.record(numbered(0)),
        recorder.record(...many(3_000, 1)),
        recorder.record(...many(2_000, 3_001)),
        recorder.record(...many(1, 5_001)),
        recorder.record(...many(6_000, 5_002)),
        recorder.record(...many(10, 11_002)),
      ];

      for (let i = 0; i < 5; i++) {
        await settle();
        log.appends[i].resolve();
      }
      await Promise.all(callers);

      // 1 alone (the log was idle); 3,000 + 2,000; 1 (6,000 more would pass 5,000); 6,000 alone; 10.
      expect(log.appends.map((append) => append.records.length)).toEqual([1, 5_000, 1, 6_000, 10]);
      expect(log.appends.flatMap((append) => requestIds(append.records))).toEqual(ids(0, 11_011));
    });
  });

  describe('when an append fails', () => {
    it('rejects every caller of its batch with AuditUnavailable carrying the cause, and the next batch proceeds', async () => {
      const first = watched(recorder.record(numbered(0)));
      const waiting = Array.from({ length: 10 }, (_, n) => watched(recorder.record(numbered(n + 1))));
      await settle();
      log.appends[0].resolve();
      await settle();
      const later = Array.from({ length: 5 }, (_, n) => watched(recorder.record(numbered(n + 11))));
      const cause = new Error('disk full');

      log.appends[1].reject(cause);
      await settle();

      expect(first.state()).toBe('resolved');
      for (const caller of waiting) {
        const refusal = await caller.promise.then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(refusal).toBeInstanceOf(AuditUnavailable);
        expect(refusal).toMatchObject({ code: 'audit_unavailable', cause });
      }
      expect(log.appends).toHaveLength(3);
      expect(requestIds(log.appends[2].records)).toEqual(ids(11, 15));
      expect(later.map((caller) => caller.state())).toEqual(Array(5).fill('pending'));

      log.appends[2].resolve();
      await Promise.all(later.map((caller) => caller.promise));
    });

    it('rejects the failed batch only: the records waiting meanwhile are appended next', async () => {
      const first = watched(recorder.record(numbered(0)));
      const waiting = Array.from({ length: 3 }, (_, n) => watched(recorder.record(numbered(n + 1))));
      await settle();

      log.appends[0].reject(new Error('connection reset'));
      await settle();

      expect(first.state()).toBe('rejected');
      await expect(first.promise).rejects.toBeInstanceOf(AuditUnavailable);
      expect(log.appends).toHaveLength(2);
      expect(requestIds(log.appends[1].records)).toEqual(ids(1, 3));
      log.appends[1].resolve();
      await Promise.all(waiting.map((caller) => caller.promise));
    });

    it('refuses with AuditUnavailable when the log throws instead of rejecting, and goes on', async () => {
      const broken = new HeldAuditLog();
      let calls = 0;
      broken.append = (records, at) => {
        calls += 1;
        if (calls === 1) throw new Error('not connected');
        return HeldAuditLog.prototype.append.call(broken, records, at);
      };
      const throwing = new AuditRecorder(broken, () => AUDIT_T0);

      await expect(throwing.record(numbered(0))).rejects.toBeInstanceOf(AuditUnavailable);

      const next = throwing.record(numbered(1));
      await settle();
      broken.appends[0].resolve();
      await next;
    });
  });

  describe('stop', () => {
    it('waits until the records queued are appended', async () => {
      const callers = [recorder.record(numbered(0)), recorder.record(numbered(1))];
      const stopped = watched(recorder.stop());
      await settle();
      log.appends[0].resolve();
      await settle();

      expect(stopped.state()).toBe('pending');
      log.appends[1].resolve();
      await stopped.promise;
      await Promise.all(callers);
    });
  });

  describe('startCheckpointTimer', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });

    afterEach(() => {
      jest.useRealTimers();
    });

    it("asks the log for a checkpoint every everyMs at the recorder's time, reporting failures, until stopped", async () => {
      const failure = new Error('lock timeout');
      const errors: unknown[] = [];
      log.checkpointResult = async () => {
        if (log.checkpointTimes.length === 2) throw failure;
        return undefined;
      };
      recorder.startCheckpointTimer(60_000, (error) => errors.push(error));

      await jest.advanceTimersByTimeAsync(59_999);
      expect(log.checkpointTimes).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(log.checkpointTimes).toEqual([AUDIT_T0]);
      await jest.advanceTimersByTimeAsync(120_000);

      expect(log.checkpointTimes).toEqual([AUDIT_T0, auditTime(1_000), auditTime(2_000)]);
      expect(errors).toEqual([failure]);

      await recorder.stop();
      await jest.advanceTimersByTimeAsync(600_000);
      expect(log.checkpointTimes).toHaveLength(3);
    });
  });
});
