import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { Pool } from 'pg';
import { migrate } from '@cmx/event-store';
import { engineTest } from './support/engines';
import { amountText, erasureRequest, eventually, filesUnder, projectionsCaughtUp, uniqueAmount, uniquePhone, uniqueToken, wholeFeed } from './support/erasure';
import { ExchangeClient } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, newCaseId } from './support/messages';

const OWNER = 'NCB-IT';
const HYDRA = { scope: 'operation', operations: ['OP-HYDRA-2026'] }; // NCB-IT, NCB-GR, EUROPOL
const TASK_FORCE = { scope: 'taskForce', taskForces: ['OTF-CENTRAL-MED'] }; // NCB-IT, NCB-GR, NCB-NE, FRONTEX
const LEGAL = { reason: 'the data subject asked for erasure', legalBasis: 'LED Art. 16(2)' };

interface PersonValues {
  readonly ref: string;
  readonly familyName: string;
  readonly givenNames: string;
  readonly alias: string;
  readonly phone: string;
  readonly laterPhone: string;
  readonly documentNumber: string;
  readonly laterDocumentNumber: string;
}

function personValues(ref: string): PersonValues {
  return {
    ref,
    familyName: uniqueToken('FAM'),
    givenNames: uniqueToken('GIV'),
    alias: uniqueToken('ALI'),
    phone: uniquePhone(),
    laterPhone: uniquePhone(),
    documentNumber: uniqueToken('DOC'),
    laterDocumentNumber: uniqueToken('DOC'),
  };
}

const valuesOf = (person: PersonValues): string[] => [
  person.familyName,
  person.givenNames,
  person.alias,
  person.phone,
  person.laterPhone,
  person.documentNumber,
  person.laterDocumentNumber,
];

/**
 * One case of two persons, P1 kept and P2 erased: a case.opened to OP-HYDRA-2026 with both persons, a document each
 * and a payment between them, then a case.updated to the task force adding a phone to each, a second document each
 * (P2's given without holderRef, a document of the first message named again) and a payment naming P2 alone.
 */
class TwoPersonCase {
  readonly caseId = newCaseId();
  readonly kept = personValues('P1');
  readonly erased = personValues('P2');
  readonly title = uniqueToken('TTL');
  readonly summary = uniqueToken('SUM');
  readonly laterSummary = uniqueToken('SUM');
  readonly sharedAmount = uniqueAmount();
  readonly erasedAmount = uniqueAmount();

  messages(): object[] {
    const { kept, erased } = this;
    const person = (values: PersonValues, role: string) => ({
      ref: values.ref,
      role,
      familyName: values.familyName,
      givenNames: values.givenNames,
      aliases: [values.alias],
      identifiers: [{ type: 'phone', value: values.phone }],
    });
    const opened = messageOf('case.opened', {
      caseId: this.caseId,
      sender: OWNER,
      header: { distribution: HYDRA as never },
      body: {
        title: `Dinghy departures ${this.title}`,
        summary: `Departures paid by hawala ${this.summary}`,
        crimeAreas: ['migrant_smuggling'],
        persons: [person(kept, 'organiser'), person(erased, 'driver')],
        documents: [
          { ref: 'D1', type: 'passport', number: kept.documentNumber, issuingCountry: 'SY', status: 'stolen', holderRef: 'P1' },
          { ref: 'D2', type: 'passport', number: erased.documentNumber, issuingCountry: 'SY', status: 'forged', holderRef: 'P2' },
        ],
        payments: [{ method: 'hawala', amount: this.sharedAmount, currency: 'EUR', stage: 'upfront', payerRef: 'P2', payeeRef: 'P1' }],
      },
    });
    const updated = messageOf('case.updated', {
      caseId: this.caseId,
      sender: OWNER,
      header: { distribution: TASK_FORCE as never },
      body: {
        summary: `A second departure point ${this.laterSummary}`,
        persons: [
          {
            ref: 'P1',
            identifiers: [
              { type: 'phone', value: kept.phone },
              { type: 'phone', value: kept.laterPhone },
            ],
          },
          {
            ref: 'P2',
            identifiers: [
              { type: 'phone', value: erased.phone },
              { type: 'phone', value: erased.laterPhone },
            ],
          },
        ],
        documents: [
          { ref: 'D3', type: 'id_card', number: kept.laterDocumentNumber, issuingCountry: 'LY', status: 'counterfeit', holderRef: 'P1' },
          // No holderRef: D2 is P2's from the first message, and is sealed under P2's key.
          { ref: 'D2', number: erased.laterDocumentNumber },
        ],
        payments: [{ method: 'cash', amount: this.erasedAmount, currency: 'USD', stage: 'per_leg', payerRef: 'P2' }],
      },
    });
    return [opened, updated];
  }

  /** P1's own values (the payment names P2 too: it goes with P2). */
  keptValues = (): string[] => valuesOf(this.kept);
  erasedValues = (): string[] => [...valuesOf(this.erased), amountText(this.sharedAmount), amountText(this.erasedAmount)];
  /** The free text, sealed under the case's own key. */
  textValues = (): string[] => [this.title, this.summary, this.laterSummary];
}

/** The data key of (case, ref) as the key store holds it, or undefined when it holds none. */
type KeyReader = (caseId: string, ref: string) => Promise<Buffer | undefined>;

interface ExchangeUnderTest {
  readonly exchange: InProcessExchange;
  /** Every place the exchange keeps data: the raw bytes of its files, or a pg_dump of its schema, as one buffer per place. */
  places(): Promise<{ name: string; bytes: Buffer }[]>;
  readKey: KeyReader;
  /** Run once the values were found, before the erasures, with the values to be erased. */
  beforeErasure?(erasedValues: readonly string[]): Promise<void>;
}

/** The places holding each needle. */
async function placesHolding(target: ExchangeUnderTest, needles: readonly (string | Buffer)[]): Promise<Map<string | Buffer, string[]>> {
  const places = await target.places();
  return new Map(
    needles.map((needle) => {
      const bytes = typeof needle === 'string' ? Buffer.from(needle, 'utf8') : needle;
      return [needle, places.filter((place) => place.bytes.includes(bytes)).map((place) => place.name)];
    }),
  );
}

const where = (found: Map<string | Buffer, string[]>) =>
  Object.fromEntries([...found].map(([needle, places]) => [typeof needle === 'string' ? needle : `key ${needle.toString('hex').slice(0, 12)}…`, places]));

/**
 * Posts two cases and waits for their delivery and projection; checks that the persons' values are stored (in the
 * read models at least) and that the keys are; erases P2 of the first case and the whole second case; then no place
 * holds any value of P2, any value of the second case or any of their keys, while P1's values and key are still there.
 */
async function eraseAndSearch(target: ExchangeUnderTest, readModelPlaces: (name: string) => boolean): Promise<void> {
  const { exchange } = target;
  const owner = new ExchangeClient(exchange.baseUrl, OWNER);
  const recipients = ['NCB-GR', 'EUROPOL', 'NCB-NE', 'FRONTEX'].map((party) => new ExchangeClient(exchange.baseUrl, party));
  const partial = new TwoPersonCase();
  const whole = new TwoPersonCase();

  for (const kase of [partial, whole]) for (const message of kase.messages()) expect((await owner.post(message)).status).toBe(201);
  const caseIds = [partial.caseId, whole.caseId];
  for (const recipient of recipients) {
    // NCB-GR is in both groups: it receives the four messages; the others two each.
    const expected = recipient.party === 'NCB-GR' ? 4 : 2;
    await eventually(
      () => wholeFeed(recipient),
      ({ items }) => items.filter((item) => caseIds.includes(item.delivery.caseId)).length === expected,
      `${recipient.party}'s deliveries`,
    );
  }
  await projectionsCaughtUp(owner);
  const grSummary = (await recipients[0].request('GET', `/v1/cases/${partial.caseId}`)).body;
  expect(JSON.stringify(grSummary)).toContain(partial.erased.laterDocumentNumber);

  const erasedValues = [...partial.erasedValues(), ...whole.erasedValues(), ...whole.keptValues(), ...whole.textValues()];
  const keptValues = [...valuesOf(partial.kept), ...partial.textValues()];
  const before = await placesHolding(target, [...erasedValues, ...keptValues]);
  const notInReadModels = [...before].filter(([, places]) => !places.some(readModelPlaces)).map(([needle]) => needle);
  expect({ notInReadModels, where: where(before) }).toEqual({ notInReadModels: [], where: expect.anything() });

  const erasedKeys = [await target.readKey(partial.caseId, 'P2'), ...(await Promise.all(['P1', 'P2', '*'].map((ref) => target.readKey(whole.caseId, ref))))];
  const keptKeys = [await target.readKey(partial.caseId, 'P1'), await target.readKey(partial.caseId, '*')];
  for (const key of [...erasedKeys, ...keptKeys]) expect(key).toBeInstanceOf(Buffer);
  const keysBefore = await placesHolding(target, [...erasedKeys, ...keptKeys] as Buffer[]);
  expect([...keysBefore.values()].filter((places) => places.length === 0)).toEqual([]);
  await target.beforeErasure?.(erasedValues);

  expect((await erasureRequest(owner, partial.caseId, { personRefs: ['P2'], ...LEGAL, expectedCaseVersion: 2 })).status).toBe(201);
  expect((await erasureRequest(owner, whole.caseId, { wholeCase: true, ...LEGAL })).status).toBe(201);
  for (const recipient of recipients) {
    await eventually(
      () => wholeFeed(recipient),
      ({ items }) => caseIds.every((caseId) => items.some((item) => item.delivery.type === 'erasure.notice' && item.delivery.caseId === caseId)),
      `${recipient.party}'s erasure notices`,
    );
  }
  await projectionsCaughtUp(owner);
  await eventually(
    async () => JSON.stringify((await recipients[0].request('GET', `/v1/cases/${partial.caseId}`)).body),
    (summary) => !summary.includes(partial.erased.familyName) && summary.includes(partial.kept.familyName),
    'the summary refolded',
  );

  // Each store reclaims overwritten rows and destroyed keys right after its commit (a WAL checkpoint may be retried a second later).
  const after = await eventually(
    () => placesHolding(target, [...erasedValues, ...erasedKeys] as (string | Buffer)[]),
    (found) => [...found.values()].every((places) => places.length === 0),
    'no place holding an erased value or key',
    10_000,
  ).catch(async (error) => {
    console.error('erased values or keys still stored', where(await placesHolding(target, [...erasedValues, ...erasedKeys] as (string | Buffer)[])));
    throw error;
  });
  expect(where(new Map([...after].filter(([, places]) => places.length > 0)))).toEqual({});

  const kept = await placesHolding(target, [...keptValues, ...(keptKeys as Buffer[])]);
  const lost = [...kept].filter(([, places]) => places.length === 0).map(([needle]) => (typeof needle === 'string' ? needle : 'a kept key'));
  expect(lost).toEqual([]);
  for (const value of keptValues) expect([value, kept.get(value)!.some(readModelPlaces)]).toEqual([value, true]);
}

describe('raw bytes after an erasure', () => {
  describe('embedded exchange (SQLite files in DATA_DIR)', () => {
    let exchange: InProcessExchange;
    beforeEach(async () => {
      exchange = await startInProcessExchange();
    });
    afterEach(() => exchange?.close());

    const readKey: KeyReader = async (caseId, ref) => {
      // Opened and closed at once: a reader left open would hold the key store's WAL.
      const db = new Database(join(exchange.dataDir, 'keys.sqlite'), { readonly: true, fileMustExist: true });
      try {
        const row = db.prepare('SELECT key FROM data_keys WHERE case_id = ? AND ref = ?').get(caseId, ref) as { key: Buffer | null } | undefined;
        return row?.key ?? undefined;
      } finally {
        db.close();
      }
    };
    // Every file: events.sqlite, deliveries.sqlite, read-models.sqlite, keys.sqlite, their -wal and -shm, the signing key.
    const places = async () => filesUnder(exchange.dataDir).map((path) => ({ name: path.slice(exchange.dataDir.length + 1), bytes: readFileSync(path) }));
    const inReadModels = (name: string) => name.startsWith('read-models.sqlite');

    it('no file of DATA_DIR holds a value or a key of an erased person or case; the kept person is still stored', async () => {
      await eraseAndSearch({ exchange, places, readKey }, inReadModels);
    }, 60_000);

    it('the same when the WALs were checkpointed into the database files before the erasure (as SQLite does every 1,000 pages)', async () => {
      const checkpointed: string[] = [];
      const beforeErasure = async (erasedValues: readonly string[]) => {
        for (const name of ['events.sqlite', 'deliveries.sqlite', 'read-models.sqlite', 'keys.sqlite']) {
          const db = new Database(join(exchange.dataDir, name), { fileMustExist: true });
          try {
            db.pragma('busy_timeout = 5000');
            const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
            if (result.busy === 0) checkpointed.push(name);
          } finally {
            db.close();
          }
        }
        expect(checkpointed).toContain('read-models.sqlite');
        // The values are in the database file itself now, not only in its WAL.
        const mainFile = readFileSync(join(exchange.dataDir, 'read-models.sqlite'));
        expect(erasedValues.filter((value) => !mainFile.includes(Buffer.from(value, 'utf8')))).toEqual([]);
      };
      await eraseAndSearch({ exchange, places, readKey, beforeErasure }, inReadModels);
    }, 60_000);
  });

  describe('PostgreSQL exchange (pg_dump of its schema)', () => {
    engineTest(
      'PostgreSQL',
      'DATABASE_URL',
      'no row of the schema holds a value or a key of an erased person or case; the kept person is still stored',
      async (databaseUrl) => {
        const pgDump = await promisify(execFile)('pg_dump', ['--version']).catch((error: Error) => {
          throw new Error(`pg_dump is needed for this test (installed with PostgreSQL): ${error.message}`);
        });
        expect(pgDump.stdout).toMatch(/pg_dump \(PostgreSQL\)/);
        const schema = `cmx_erasure_raw_${process.pid}_${Date.now() % 1_000_000}`;
        const pool = new Pool({ connectionString: databaseUrl, max: 2 });
        let exchange: InProcessExchange | undefined;
        try {
          await migrate(pool, schema);
          exchange = await startInProcessExchange({ EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema });
          const places = async () => {
            const { stdout } = await promisify(execFile)('pg_dump', [`--schema=${schema}`, databaseUrl], { maxBuffer: 512 * 1024 * 1024 });
            return placesOfDump(stdout);
          };
          const readKey: KeyReader = async (caseId, ref) => {
            const { rows } = await pool.query(`SELECT key FROM "${schema}".data_keys WHERE case_id = $1 AND ref = $2`, [caseId, ref]);
            return (rows[0]?.key as Buffer | null) ?? undefined;
          };
          await eraseAndSearch({ exchange, places, readKey }, (name) => READ_MODEL_TABLES.some((table) => name === `pg_dump ${schema}.${table}`));
        } finally {
          await exchange?.close();
          await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
          await pool.end();
        }
      },
      90_000,
    );
  });
});

const READ_MODEL_TABLES = ['case_summaries', 'board_case_states', 'board_cases', 'board_items', 'boards'];

/**
 * A pg_dump as places: the whole text, each table's COPY block by itself (`pg_dump <schema>.<table>`), and the bytes
 * of every bytea in it (pg_dump writes them as hex after \x), so that a key is found as the bytes it is.
 */
function placesOfDump(dump: string): { name: string; bytes: Buffer }[] {
  const tables = [...dump.matchAll(/^COPY ([^ ]+) \([^)]*\) FROM stdin;\n([\s\S]*?)^\\\.$/gm)].map((match) => ({
    name: `pg_dump ${match[1].replace(/"/g, '')}`,
    bytes: Buffer.from(match[2], 'utf8'),
  }));
  const literals = dump.match(/\\x[0-9a-f]+/g) ?? [];
  const bytea = Buffer.concat(literals.flatMap((literal) => [Buffer.from(literal.replace(/^\\+x/, ''), 'hex'), Buffer.alloc(1)]));
  if (tables.length < 10) throw new Error(`pg_dump: only ${tables.length} tables found in the dump`);
  return [{ name: 'pg_dump', bytes: Buffer.from(dump, 'utf8') }, ...tables, { name: 'pg_dump bytea', bytes: bytea }];
}
