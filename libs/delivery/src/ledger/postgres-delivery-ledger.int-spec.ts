import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { migrate } from '@cmx/event-store/postgres';
import type { DeliveryPayload } from '../delivery-channel.port';
import { describeDeliveryLedgerConformance } from './conformance/delivery-ledger.conformance';
import { PostgresDeliveryLedger } from './postgres-delivery-ledger';
import { describeOnPostgres } from '@cmx/event-store/conformance';

describeOnPostgres('PostgresDeliveryLedger', 'delivery ledger', describePostgresDeliveryLedger);

function describePostgresDeliveryLedger(connectionString: string): void {
  describe('PostgresDeliveryLedger', () => {
    /** Every schema of this run, each created by migrate() (or left missing on purpose) and dropped afterwards. */
    const schemas: string[] = [];
    let admin: Pool;

    const newSchemaName = (): string => {
      const schema = `cmx_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      schemas.push(schema);
      return schema;
    };

    /** A ledger on a fresh, migrated schema of its own. */
    const openOnNewSchema = async (): Promise<{ ledger: PostgresDeliveryLedger; schema: string }> => {
      const schema = newSchemaName();
      await migrate(admin, schema);
      return { ledger: PostgresDeliveryLedger.open(connectionString, schema), schema };
    };

    beforeAll(() => {
      admin = new Pool({ connectionString, max: 2 });
    });

    afterAll(async () => {
      for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    });

    describeDeliveryLedgerConformance('postgres', async () => (await openOnNewSchema()).ledger);

    describe('engine specifics', () => {
      const opened: PostgresDeliveryLedger[] = [];

      afterEach(async () => {
        await Promise.all(opened.splice(0).map((ledger) => ledger.close()));
      });

      it('open() refuses a schema name that is not a plain lower-case name', () => {
        expect(() => PostgresDeliveryLedger.open(connectionString, 'cmx; DROP TABLE deliveries')).toThrow(RangeError);
        expect(() => PostgresDeliveryLedger.open(connectionString, 'Cmx')).toThrow(RangeError);
      });

      it('keeps positions as bigint and each payload once, as text', async () => {
        const { ledger, schema } = await openOnNewSchema();
        opened.push(ledger);
        const shared = payload('123456789012000005');

        await ledger.record({
          deliveries: ['NCB-NL', 'NCB-BE', 'NCB-DE'].map((party) => ({ party, payload: shared })),
          channel: 'kafka',
          deliveredAt: '2025-03-01T10:00:00.000Z',
          checkpoint: '123456789012000005',
        });

        const payloads = await admin.query(`SELECT position, pg_typeof(position)::text AS type, payload FROM "${schema}".feed_payloads`);
        expect(payloads.rows).toEqual([{ position: '123456789012000005', type: 'bigint', payload: JSON.stringify(shared) }]);
      });

      it('rolls the whole batch back when the checkpoint cannot be written', async () => {
        const { ledger, schema } = await openOnNewSchema();
        opened.push(ledger);
        await admin.query(
          `CREATE FUNCTION "${schema}".refuse_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'checkpoint refused'; END $$;
           CREATE TRIGGER refuse_checkpoint BEFORE INSERT OR UPDATE ON "${schema}".delivery_checkpoint
             FOR EACH ROW EXECUTE FUNCTION "${schema}".refuse_checkpoint();`,
        );

        await expect(
          ledger.record({
            deliveries: [{ party: 'NCB-NL', payload: payload('1') }],
            channel: 'kafka',
            deliveredAt: '2025-03-01T10:00:00.000Z',
            checkpoint: '1',
          }),
        ).rejects.toThrow('checkpoint refused');

        expect(await ledger.checkpoint()).toBeUndefined();
        expect(await ledger.lastCursor('NCB-NL')).toBeUndefined();
        const { rows } = await admin.query(`SELECT count(*)::integer AS count FROM "${schema}".feed_payloads`);
        expect(rows).toEqual([{ count: 0 }]);
      });
    });
  });
}

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
