import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeKeyStoreConformance } from '../conformance/key-store.conformance';
import type { ProtectionChange } from '../key-store.port';
import { SqliteKeyStore } from './sqlite-key-store';

describe('SqliteKeyStore', () => {
  const directory = mkdtempSync(join(tmpdir(), 'cmx-key-store-'));
  const newFile = () => join(directory, randomUUID(), 'keys.sqlite');

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  describeKeyStoreConformance('sqlite', async () => {
    const file = newFile();
    return { store: SqliteKeyStore.open(file), openAnother: async () => SqliteKeyStore.open(file) };
  });

  describe('engine specifics', () => {
    const CASE = 'IT-2026-000123';
    const opened: SqliteKeyStore[] = [];
    let file: string;

    const open = (): SqliteKeyStore => {
      const store = SqliteKeyStore.open(file);
      opened.push(store);
      return store;
    };

    /** Every byte SQLite keeps of the store on disk: the database file and its write-ahead log (where a new row may be until a checkpoint). */
    const bytesOnDisk = (): Buffer => Buffer.concat([file, `${file}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path)));

    const erase = (refs: ProtectionChange['refs'], version: number): ProtectionChange => ({ kind: 'erase', refs, version, owner: 'NCB-IT' });

    /** Runs `work` on a connection of its own to the file. */
    const withRawConnection = <T>(work: (raw: Database.Database) => T): T => {
      const raw = new Database(file);
      try {
        raw.pragma('busy_timeout = 10000');
        return work(raw);
      } finally {
        raw.close();
      }
    };

    beforeEach(() => {
      file = newFile();
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('creates the directory and the tables on first open, the file in WAL journal mode', () => {
      open();

      withRawConnection((raw) => {
        expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
        expect(raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all()).toEqual(['data_keys', 'key_cases']);
      });
    });

    it('leaves no byte of an erased key in the database file or its WAL, and keeps the other keys', async () => {
      const store = open();
      const keys = await store.provide(CASE, 'NCB-IT', ['P1', 'P2', '*']);
      const erased = keys.get('P1')!;
      const kept = keys.get('P2')!;
      expect(bytesOnDisk().includes(erased)).toBe(true);
      expect(bytesOnDisk().includes(kept)).toBe(true);

      await store.protect(CASE, erase(['P1'], 3));

      expect(bytesOnDisk().includes(erased)).toBe(false);
      expect(bytesOnDisk().includes(kept)).toBe(true);
      expect(bytesOnDisk().includes(keys.get('*')!)).toBe(true);
    });

    it('leaves no byte of any key of a case erased as a whole, while another store object has the file open', async () => {
      const store = open();
      const other = open();
      const keys = await store.provide(CASE, 'NCB-IT', ['P1', 'P2', '*']);
      const otherCase = await other.provide('IT-2026-000124', 'NCB-IT', ['P1']);
      expect((await other.keysOf([CASE])).get(CASE)?.keys.size).toBe(3);
      for (const key of keys.values()) expect(bytesOnDisk().includes(key)).toBe(true);

      await store.protect(CASE, erase('wholeCase', 5));

      for (const key of keys.values()) expect(bytesOnDisk().includes(key)).toBe(false);
      expect(bytesOnDisk().includes(otherCase.get('P1')!)).toBe(true);
      expect((await other.keysOf([CASE])).get(CASE)).toMatchObject({ wholeCaseErased: true });
    });

    it('leaves no byte of an erased key that a checkpoint had already moved from the WAL into the database file', async () => {
      const store = open();
      const keys = await store.provide(CASE, 'NCB-IT', ['P1', 'P2']);
      withRawConnection((raw) => raw.pragma('wal_checkpoint(TRUNCATE)'));
      expect(readFileSync(file).includes(keys.get('P1')!)).toBe(true);

      await store.protect(CASE, erase(['P1'], 2));

      expect(bytesOnDisk().includes(keys.get('P1')!)).toBe(false);
      expect(bytesOnDisk().includes(keys.get('P2')!)).toBe(true);
    });

    it('makes the keys asked for in one turn of the event loop in one transaction, and refuses only the calls that name an erased ref', async () => {
      const store = open();
      await store.provide(CASE, 'NCB-IT', ['P1']);
      await store.protect(CASE, erase(['P1'], 2));

      const outcomes = await Promise.allSettled([
        store.provide(CASE, 'NCB-IT', ['P2']),
        store.provide(CASE, 'NCB-IT', ['P1']),
        store.provide(CASE, 'NCB-IT', ['P2', 'P3']),
      ]);

      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const [first, , third] = outcomes as PromiseFulfilledResult<ReadonlyMap<string, Buffer>>[];
      expect(third.value.get('P2')!.equals(first.value.get('P2')!)).toBe(true);
    });

    it('resolves a provide asked for just before close, and refuses one after it', async () => {
      const store = open();
      const pending = store.provide(CASE, 'NCB-IT', ['P1']);
      await store.close();

      expect((await pending).get('P1')).toHaveLength(32);
      await expect(store.provide(CASE, 'NCB-IT', ['P2'])).rejects.toMatchObject({ message: expect.any(String) });
      const reopened = open();
      expect(
        (await reopened.keysOf([CASE]))
          .get(CASE)
          ?.keys.get('P1')
          ?.equals((await pending).get('P1')!),
      ).toBe(true);
    });
  });
});
