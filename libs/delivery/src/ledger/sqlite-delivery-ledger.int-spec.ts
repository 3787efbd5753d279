import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { DeliveryPayload } from '../delivery-channel.port';
import { describeDeliveryLedgerConformance } from './conformance/delivery-ledger.conformance';
import { SqliteDeliveryLedger } from './sqlite-delivery-ledger';

describe('SqliteDeliveryLedger', () => {
  const directory = mkdtempSync(join(tmpdir(), 'cmx-delivery-ledger-'));
  const newFile = () => join(directory, randomUUID(), 'ledger.sqlite');

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  describeDeliveryLedgerConformance('sqlite', async () => SqliteDeliveryLedger.open(newFile()));

  describe('engine specifics', () => {
    const opened: SqliteDeliveryLedger[] = [];
    let file: string;

    const open = (): SqliteDeliveryLedger => {
      const ledger = SqliteDeliveryLedger.open(file);
      opened.push(ledger);
      return ledger;
    };

    /** Runs `work` on a connection of its own to the ledger's file. */
    const withRawConnection = <T>(work: (raw: Database.Database) => T): T => {
      const raw = new Database(file);
      try {
        return work(raw);
      } finally {
        raw.close();
      }
    };

    beforeEach(() => {
      file = newFile();
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((ledger) => ledger.close()));
    });

    it('creates the directory and the tables on first open, the file in WAL journal mode', () => {
      open();

      withRawConnection((raw) => {
        expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
        const tables = raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
        expect(tables).toEqual(['deliveries', 'delivery_checkpoint', 'feed_payloads']);
      });
    });

    it('keeps deliveries, payloads, acknowledgements and the checkpoint across a reopen', async () => {
      const first = payload('123456789012000005');
      const second = payload('123456789012000006');
      const ledger = open();
      await ledger.record({
        deliveries: [
          { party: 'NCB-NL', payload: first },
          { party: 'NCB-BE', payload: first },
          { party: 'NCB-NL', payload: second },
        ],
        channel: 'feed',
        deliveredAt: '2025-03-01T10:00:00.000Z',
        checkpoint: '123456789012000009',
      });
      await ledger.acknowledgeThrough('NCB-NL', '123456789012000005', '2025-03-01T10:01:00.000Z');
      await ledger.close();

      const reopened = open();

      expect(await reopened.checkpoint()).toBe('123456789012000009');
      expect(await reopened.readFeed('NCB-NL', undefined, 10)).toEqual([
        { cursor: '123456789012000005', delivery: first },
        { cursor: '123456789012000006', delivery: second },
      ]);
      expect(await reopened.lastCursor('NCB-BE')).toBe('123456789012000005');
      expect((await reopened.recipientsOf([first.messageId])).get(first.messageId)).toEqual([
        { party: 'NCB-BE', channel: 'feed', deliveredAt: '2025-03-01T10:00:00.000Z', acknowledgedAt: null },
        { party: 'NCB-NL', channel: 'feed', deliveredAt: '2025-03-01T10:00:00.000Z', acknowledgedAt: '2025-03-01T10:01:00.000Z' },
      ]);
      expect(withRawConnection((raw) => raw.prepare('SELECT count(*) FROM feed_payloads').pluck().get())).toBe(2);
    });

    it('rolls the whole batch back when the checkpoint cannot be written', async () => {
      const ledger = open();
      withRawConnection((raw) =>
        raw.exec("CREATE TRIGGER refuse_checkpoint BEFORE INSERT ON delivery_checkpoint BEGIN SELECT RAISE(ABORT, 'checkpoint refused'); END"),
      );

      await expect(
        ledger.record({ deliveries: [{ party: 'NCB-NL', payload: payload('1') }], channel: 'kafka', deliveredAt: '2025-03-01T10:00:00.000Z', checkpoint: '1' }),
      ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_TRIGGER', message: 'checkpoint refused' });

      expect(await ledger.checkpoint()).toBeUndefined();
      expect(await ledger.lastCursor('NCB-NL')).toBeUndefined();
      expect(withRawConnection((raw) => raw.prepare('SELECT count(*) FROM feed_payloads').pluck().get())).toBe(0);
    });
  });
});

function payload(position: string): DeliveryPayload {
  return {
    caseId: 'NL-2025-000123',
    position,
    caseVersion: 1,
    messageId: randomUUID(),
    type: 'case.opened',
    sender: 'NCB-NL',
    sentAt: '2025-03-01T09:59:00.000Z',
    receivedAt: '2025-03-01T09:59:01.000Z',
    priority: 'urgent',
    handling: { code: 'H1' },
    evaluation: { source: 'A', information: '1' },
    body: { summary: 'a boat sighted' },
  };
}
