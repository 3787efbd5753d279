import type { DataKey } from '../data-key-cipher';
import { keyAccess, KeysErased, type CaseKeys, type KeyStore, type ProtectionChange, type ReadingView } from '../key-store.port';
import { CASE_TEXT_KEY } from '../seal-body';

/** A key store on storage of its own, and a way to open another store object (its own connection) on the same storage. */
export interface OpenedKeyStore {
  readonly store: KeyStore;
  /** Another KeyStore on the same storage (the same file, the same schema), as a restart or a second process of the exchange has it. */
  openAnother(): Promise<KeyStore>;
}

const IT = 'NCB-IT';
const BE = 'NCB-BE';
const CASE_A = 'IT-2026-000001';
const CASE_B = 'IT-2026-000002';
const CASE_C = 'IT-2026-000003';
const UNKNOWN_CASE = 'IT-2026-999999';
const STAR = CASE_TEXT_KEY;

/** Keys as hex by ref, for readable comparisons. */
const hexOf = (keys: ReadonlyMap<string, DataKey>): Record<string, string> =>
  Object.fromEntries([...keys].map(([ref, key]) => [ref, Buffer.from(key).toString('hex')]));

/** What keysOf says of a case, in plain values. */
const shapeOf = (caseKeys: CaseKeys | undefined) =>
  caseKeys && {
    owner: caseKeys.owner,
    keys: hexOf(caseKeys.keys),
    restricted: [...caseKeys.restricted].sort(),
    erased: [...caseKeys.erased].sort(),
    wholeCaseErased: caseKeys.wholeCaseErased,
  };

const change = (kind: ProtectionChange['kind'], refs: ProtectionChange['refs'], version: number, owner = IT): ProtectionChange => ({
  kind,
  refs,
  version,
  owner,
});

/**
 * The behaviour every KeyStore adapter must show, as a jest suite. Call it at
 * the top level of an adapter's *.int-spec.ts. `openStore` opens a store on
 * storage of its own, empty; the suite closes every store it opened (the other
 * ones included) after each test.
 */
export function describeKeyStoreConformance(name: string, openStore: () => Promise<OpenedKeyStore>): void {
  describe(`KeyStore conformance: ${name}`, () => {
    const opened = new Set<KeyStore>();
    let store: KeyStore;
    let openAnother: () => Promise<KeyStore>;

    /** Closes one store before the test ends (a restart). */
    const close = async (target: KeyStore): Promise<void> => {
      opened.delete(target);
      await target.close();
    };

    const another = async (): Promise<KeyStore> => {
      const next = await openAnother();
      opened.add(next);
      return next;
    };

    const caseOf = async (caseId: string, from: KeyStore = store) => shapeOf((await from.keysOf([caseId])).get(caseId));

    /** Expects `provide` to be refused with KeysErased naming these refs ([] for the whole case). */
    const expectErased = async (from: KeyStore, caseId: string, refs: readonly string[], erasedRefs: readonly string[]): Promise<void> => {
      const refused = from.provide(caseId, IT, refs);
      await expect(refused).rejects.toBeInstanceOf(KeysErased);
      await expect(refused).rejects.toMatchObject({ name: 'KeysErased', caseId, refs: erasedRefs });
    };

    beforeEach(async () => {
      const storage = await openStore();
      store = storage.store;
      opened.add(store);
      openAnother = () => storage.openAnother();
    });

    afterEach(async () => {
      const stores = [...opened];
      opened.clear();
      await Promise.all(stores.map((each) => each.close()));
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe('provide', () => {
      it('makes one 32-byte key per ref, each different, and returns exactly the refs asked for', async () => {
        const keys = await store.provide(CASE_A, IT, ['P1', 'P2', STAR]);

        expect([...keys.keys()].sort()).toEqual([STAR, 'P1', 'P2'].sort());
        for (const key of keys.values()) expect(key).toHaveLength(32);
        expect(new Set(Object.values(hexOf(keys))).size).toBe(3);
      });

      it('returns the same key later for a ref it made, also among new refs, and a ref asked for twice once', async () => {
        const first = await store.provide(CASE_A, IT, ['P1', STAR]);

        const again = await store.provide(CASE_A, IT, ['P1']);
        const more = await store.provide(CASE_A, IT, ['P2', 'P1', 'P2', STAR]);

        expect(hexOf(again)).toEqual({ P1: hexOf(first).P1 });
        expect(hexOf(more)).toMatchObject(hexOf(first));
        expect([...more.keys()].sort()).toEqual([STAR, 'P1', 'P2'].sort());
        expect(more.get('P2')).toHaveLength(32);
        expect(await caseOf(CASE_A)).toEqual({ owner: IT, keys: hexOf(more), restricted: [], erased: [], wholeCaseErased: false });
      });

      it('keeps the keys of each case apart: the same ref of another case has another key', async () => {
        const a = await store.provide(CASE_A, IT, ['P1']);
        const b = await store.provide(CASE_B, IT, ['P1']);

        expect(hexOf(a).P1).not.toBe(hexOf(b).P1);
        expect(hexOf(await store.provide(CASE_A, IT, ['P1']))).toEqual(hexOf(a));
      });

      it('has made the key durable when it resolves: another store on the same storage reads it at once', async () => {
        const other = await another();

        const keys = await store.provide(CASE_A, IT, ['P1', STAR]);

        expect((await caseOf(CASE_A, other))?.keys).toEqual(hexOf(keys));
        expect(hexOf(await other.provide(CASE_A, BE, ['P1', STAR]))).toEqual(hexOf(keys));
      });

      it('returns the same keys after a reopen of the same storage', async () => {
        const keys = await store.provide(CASE_A, IT, ['P1', 'P2', STAR]);
        const b = await store.provide(CASE_B, BE, ['P7']);
        await close(store);

        const reopened = await another();

        expect(hexOf(await reopened.provide(CASE_A, IT, ['P2', 'P1', STAR]))).toEqual(hexOf(keys));
        expect(hexOf(await reopened.provide(CASE_B, IT, ['P7']))).toEqual(hexOf(b));
        expect((await reopened.keysOf([CASE_A, CASE_B])).get(CASE_B)?.owner).toBe(BE);
      });

      it('gives one key per case and ref to concurrent calls, of one store object and of two', async () => {
        const other = await another();

        const calls = await Promise.all([
          ...Array.from({ length: 12 }, (_, i) => store.provide(CASE_A, IT, i % 2 === 0 ? ['P1', STAR] : [STAR, 'P1', 'P2'])),
          ...Array.from({ length: 12 }, (_, i) => other.provide(CASE_A, IT, i % 2 === 0 ? ['P2', 'P1'] : ['P1'])),
        ]);

        const stored = (await caseOf(CASE_A))!.keys;
        expect(Object.keys(stored).sort()).toEqual([STAR, 'P1', 'P2'].sort());
        for (const keys of calls) expect(stored).toMatchObject(hexOf(keys));
        expect((await caseOf(CASE_A, other))!.keys).toEqual(stored);
      });

      it('gives one key per ref and one owner when two store objects make the same new case at once', async () => {
        const other = await another();

        const [mine, theirs] = await Promise.all([store.provide(CASE_A, IT, ['P1', 'P2']), other.provide(CASE_A, BE, ['P2', 'P1'])]);

        expect(hexOf(theirs)).toEqual(hexOf(mine));
        const stored = await caseOf(CASE_A);
        expect([IT, BE]).toContain(stored?.owner);
        expect(await caseOf(CASE_A, other)).toEqual(stored);
      });

      it('keeps the owner of the case’s first call', async () => {
        await store.provide(CASE_A, IT, ['P1']);
        await store.provide(CASE_A, BE, ['P2']);
        await store.protect(CASE_A, change('restrict', ['P1'], 3, BE));

        expect((await caseOf(CASE_A))?.owner).toBe(IT);
      });

      it('keeps the owner a protection change gave a case that had no key yet (a case stored before encryption)', async () => {
        await store.protect(CASE_A, change('restrict', ['P1'], 2, IT));

        await store.provide(CASE_A, BE, ['P2']);

        expect((await caseOf(CASE_A))?.owner).toBe(IT);
      });
    });

    describe('keysOf', () => {
      it('answers nothing for no case and for unknown cases', async () => {
        await store.provide(CASE_A, IT, ['P1']);

        expect((await store.keysOf([])).size).toBe(0);
        expect((await store.keysOf([UNKNOWN_CASE])).size).toBe(0);
      });

      it('answers each of several cases with its owner and keys, once for a case asked for twice, and leaves an unknown case out', async () => {
        const a = await store.provide(CASE_A, IT, ['P1', STAR]);
        const b = await store.provide(CASE_B, BE, ['P1', 'P2']);
        const c = await store.provide(CASE_C, IT, [STAR]);

        const found = await store.keysOf([CASE_B, UNKNOWN_CASE, CASE_A, CASE_C, CASE_B]);

        expect([...found.keys()].sort()).toEqual([CASE_A, CASE_B, CASE_C]);
        expect(shapeOf(found.get(CASE_A))).toEqual({ owner: IT, keys: hexOf(a), restricted: [], erased: [], wholeCaseErased: false });
        expect(shapeOf(found.get(CASE_B))).toEqual({ owner: BE, keys: hexOf(b), restricted: [], erased: [], wholeCaseErased: false });
        expect(shapeOf(found.get(CASE_C))).toEqual({ owner: IT, keys: hexOf(c), restricted: [], erased: [], wholeCaseErased: false });
        expect(found.has(UNKNOWN_CASE)).toBe(false);
      });

      it('answers many cases at once (more than one chunk of an IN list)', async () => {
        const ids = Array.from({ length: 520 }, (_, i) => `IT-2026-${String(i + 1).padStart(6, '0')}`);
        const provided = await Promise.all(ids.map((caseId) => store.provide(caseId, IT, ['P1'])));

        const found = await store.keysOf([...ids, UNKNOWN_CASE]);

        expect(found.size).toBe(ids.length);
        ids.forEach((caseId, i) => expect(hexOf(found.get(caseId)!.keys)).toEqual(hexOf(provided[i])));
      }, 60_000);

      it('returns key copies the caller cannot use to change the store', async () => {
        const keys = await store.provide(CASE_A, IT, ['P1']);
        const hex = hexOf(keys);

        (await store.keysOf([CASE_A])).get(CASE_A)!.keys.get('P1')!.fill(0);

        expect((await caseOf(CASE_A))?.keys).toEqual(hex);
      });
    });

    describe('protect: erasure', () => {
      it('destroys the keys of the erased refs: keysOf shows them erased, not among the keys; the other refs keep theirs', async () => {
        const keys = await store.provide(CASE_A, IT, ['P1', 'P2', STAR]);

        await store.protect(CASE_A, change('erase', ['P1'], 4));

        const { P1: _erased, ...kept } = hexOf(keys);
        expect(await caseOf(CASE_A)).toEqual({ owner: IT, keys: kept, restricted: [], erased: ['P1'], wholeCaseErased: false });
        expect((await store.keysOf([CASE_A])).get(CASE_A)!.keys.has('P1')).toBe(false);
      });

      it('refuses a later provide of an erased ref with KeysErased, alone or among others; other refs keep working, new ones too', async () => {
        const keys = await store.provide(CASE_A, IT, ['P1', 'P2', STAR]);
        await store.protect(CASE_A, change('erase', ['P1'], 4));

        await expectErased(store, CASE_A, ['P1'], ['P1']);
        await expectErased(store, CASE_A, ['P2', 'P1', STAR], ['P1']);

        expect(hexOf(await store.provide(CASE_A, IT, ['P2', STAR]))).toEqual({ P2: hexOf(keys).P2, [STAR]: hexOf(keys)[STAR] });
        const p3 = await store.provide(CASE_A, IT, ['P3']);
        expect(p3.get('P3')).toHaveLength(32);
        expect((await caseOf(CASE_A))?.erased).toEqual(['P1']);
      });

      it('names every erased ref asked for in KeysErased', async () => {
        await store.provide(CASE_A, IT, ['P1', 'P2', 'P3']);
        await store.protect(CASE_A, change('erase', ['P1', 'P3'], 4));

        const refused = store.provide(CASE_A, IT, ['P3', 'P2', 'P1']);
        await expect(refused).rejects.toBeInstanceOf(KeysErased);
        const error = (await refused.catch((reason: unknown) => reason)) as KeysErased;
        expect([...error.refs].sort()).toEqual(['P1', 'P3']);
      });

      it('erases a ref that had no key yet: it is erased and can never be given one', async () => {
        await store.provide(CASE_A, IT, ['P1']);

        await store.protect(CASE_A, change('erase', ['P9'], 3));

        const stored = await caseOf(CASE_A);
        expect(stored?.erased).toEqual(['P9']);
        expect(Object.keys(stored!.keys)).toEqual(['P1']);
        await expectErased(store, CASE_A, ['P9'], ['P9']);
      });

      it('keeps the erasure across a reopen and in another store object', async () => {
        const keys = await store.provide(CASE_A, IT, ['P1', 'P2']);
        await store.protect(CASE_A, change('erase', ['P1'], 4));
        const other = await another();
        await close(store);

        await expectErased(other, CASE_A, ['P1'], ['P1']);
        expect(await caseOf(CASE_A, other)).toEqual({ owner: IT, keys: { P2: hexOf(keys).P2 }, restricted: [], erased: ['P1'], wholeCaseErased: false });
      });

      it('may be applied again (each process that meets the event does): nothing changes', async () => {
        await store.provide(CASE_A, IT, ['P1', 'P2']);
        await store.protect(CASE_A, change('erase', ['P1'], 4));
        const once = await caseOf(CASE_A);

        await store.protect(CASE_A, change('erase', ['P1'], 4));
        await (await another()).protect(CASE_A, change('erase', ['P1'], 4));

        expect(await caseOf(CASE_A)).toEqual(once);
      });

      it('leaves the other cases alone', async () => {
        const a = await store.provide(CASE_A, IT, ['P1']);
        const b = await store.provide(CASE_B, IT, ['P1']);

        await store.protect(CASE_A, change('erase', ['P1'], 2));
        await store.protect(CASE_C, change('erase', 'wholeCase', 2));

        expect((await caseOf(CASE_A))?.erased).toEqual(['P1']);
        expect(await caseOf(CASE_B)).toEqual({ owner: IT, keys: hexOf(b), restricted: [], erased: [], wholeCaseErased: false });
        expect(hexOf(await store.provide(CASE_B, IT, ['P1']))).toEqual(hexOf(b));
        expect(hexOf(b).P1).not.toBe(hexOf(a).P1);
      });

      it('of the whole case destroys every key, marks the case erased, and refuses any later provide', async () => {
        await store.provide(CASE_A, IT, ['P1', 'P2', STAR]);
        await store.protect(CASE_A, change('restrict', ['P2'], 3));

        await store.protect(CASE_A, change('erase', 'wholeCase', 5));

        const stored = await caseOf(CASE_A);
        expect(stored).toMatchObject({ owner: IT, keys: {}, wholeCaseErased: true });
        expect(stored?.erased).toEqual([STAR, 'P1', 'P2'].sort());
        await expectErased(store, CASE_A, ['P1'], []);
        await expectErased(store, CASE_A, [STAR], []);
        await expectErased(store, CASE_A, ['P4'], []);
        const other = await another();
        await expectErased(other, CASE_A, ['P2'], []);
        expect((await caseOf(CASE_A, other))?.wholeCaseErased).toBe(true);
      });

      it('of the whole case of a case with no key yet marks it erased with the change’s owner, and refuses a later provide', async () => {
        await store.protect(CASE_A, change('erase', 'wholeCase', 2, BE));

        expect(await caseOf(CASE_A)).toEqual({ owner: BE, keys: {}, restricted: [], erased: [], wholeCaseErased: true });
        await expectErased(store, CASE_A, ['P1'], []);
      });

      it('is applied whatever its version: an erasure older than the case’s last change still destroys its keys', async () => {
        const keys = await store.provide(CASE_A, IT, ['P1', 'P2', 'P3']);
        await store.protect(CASE_A, change('restrict', ['P3'], 9));

        await store.protect(CASE_A, change('erase', ['P1'], 4));
        await store.protect(CASE_A, change('erase', ['P2'], 9));

        expect(await caseOf(CASE_A)).toEqual({ owner: IT, keys: { P3: hexOf(keys).P3 }, restricted: ['P3'], erased: ['P1', 'P2'], wholeCaseErased: false });
        await store.protect(CASE_A, change('erase', 'wholeCase', 1));
        expect(await caseOf(CASE_A)).toMatchObject({ keys: {}, wholeCaseErased: true });
      });
    });

    describe('protect: restriction and its lifting', () => {
      it('marks the refs restricted and keeps their keys; the lifting takes the mark away', async () => {
        const keys = await store.provide(CASE_A, IT, ['P1', 'P2']);

        await store.protect(CASE_A, change('restrict', ['P1'], 3));
        expect(await caseOf(CASE_A)).toEqual({ owner: IT, keys: hexOf(keys), restricted: ['P1'], erased: [], wholeCaseErased: false });
        expect(hexOf(await store.provide(CASE_A, IT, ['P1']))).toEqual({ P1: hexOf(keys).P1 });

        await store.protect(CASE_A, change('lift', ['P1'], 4));
        expect(await caseOf(CASE_A)).toEqual({ owner: IT, keys: hexOf(keys), restricted: [], erased: [], wholeCaseErased: false });
      });

      it('ignores a change older than the case’s last one: a restriction after its newer lifting, a lifting after a newer restriction', async () => {
        await store.provide(CASE_A, IT, ['P1', 'P2']);

        await store.protect(CASE_A, change('lift', ['P1'], 5));
        await store.protect(CASE_A, change('restrict', ['P1'], 4));
        expect((await caseOf(CASE_A))?.restricted).toEqual([]);

        await store.protect(CASE_A, change('restrict', ['P2'], 7));
        await store.protect(CASE_A, change('lift', ['P2'], 6));
        await (await another()).protect(CASE_A, change('lift', ['P2'], 2));
        expect((await caseOf(CASE_A))?.restricted).toEqual(['P2']);

        await store.protect(CASE_A, change('lift', ['P2'], 8));
        expect((await caseOf(CASE_A))?.restricted).toEqual([]);
      });

      it('counts an erasure as the case’s last change: a restriction older than it is ignored', async () => {
        await store.provide(CASE_A, IT, ['P1', 'P2']);

        await store.protect(CASE_A, change('erase', ['P1'], 6));
        await store.protect(CASE_A, change('restrict', ['P2'], 5));

        expect(await caseOf(CASE_A)).toMatchObject({ restricted: [], erased: ['P1'] });
      });

      it('may be applied again with the same change: nothing changes', async () => {
        await store.provide(CASE_A, IT, ['P1']);
        await store.protect(CASE_A, change('restrict', ['P1'], 3));
        await store.protect(CASE_A, change('restrict', ['P1'], 3));
        expect((await caseOf(CASE_A))?.restricted).toEqual(['P1']);

        await store.protect(CASE_A, change('lift', ['P1'], 4));
        await store.protect(CASE_A, change('lift', ['P1'], 4));
        expect((await caseOf(CASE_A))?.restricted).toEqual([]);
      });

      it('keeps a ref that has no key yet restricted, not erased; a key made later for it stays restricted', async () => {
        await store.provide(CASE_A, IT, ['P1']);

        await store.protect(CASE_A, change('restrict', ['P5'], 2));

        const stored = await caseOf(CASE_A);
        expect(stored).toMatchObject({ restricted: ['P5'], erased: [], wholeCaseErased: false });
        expect(Object.keys(stored!.keys)).toEqual(['P1']);

        const made = await store.provide(CASE_A, IT, ['P5']);
        expect(made.get('P5')).toHaveLength(32);
        expect(await caseOf(CASE_A)).toMatchObject({ keys: { P5: hexOf(made).P5 }, restricted: ['P5'], erased: [] });
      });

      it('answers keysOf for a case that only a restriction named (no key yet), with the change’s owner', async () => {
        await store.protect(CASE_A, change('restrict', ['P1', 'P2'], 2, BE));

        expect(await caseOf(CASE_A)).toEqual({ owner: BE, keys: {}, restricted: ['P1', 'P2'], erased: [], wholeCaseErased: false });
      });

      it('of the whole case marks every ref it has restricted, and its lifting every one', async () => {
        await store.provide(CASE_A, IT, ['P1', 'P2', STAR]);

        await store.protect(CASE_A, change('restrict', 'wholeCase', 2));
        expect((await caseOf(CASE_A))?.restricted).toEqual([STAR, 'P1', 'P2'].sort());

        await store.protect(CASE_A, change('lift', 'wholeCase', 3));
        expect((await caseOf(CASE_A))?.restricted).toEqual([]);
      });

      it('leaves an erased ref erased when it is restricted or lifted afterwards', async () => {
        await store.provide(CASE_A, IT, ['P1', 'P2']);
        await store.protect(CASE_A, change('erase', ['P1'], 2));

        await store.protect(CASE_A, change('restrict', ['P1'], 3));
        await store.protect(CASE_A, change('lift', ['P1'], 4));

        expect(await caseOf(CASE_A)).toMatchObject({ erased: ['P1'], restricted: [] });
        expect(Object.keys((await caseOf(CASE_A))!.keys)).toEqual(['P2']);
        await expectErased(store, CASE_A, ['P1'], ['P1']);
      });

      it('keeps restrictions across a reopen', async () => {
        await store.provide(CASE_A, IT, ['P1']);
        await store.protect(CASE_A, change('restrict', ['P1', 'P2'], 3));
        await close(store);

        const reopened = await another();

        expect(await caseOf(CASE_A, reopened)).toMatchObject({ restricted: ['P1', 'P2'], erased: [] });
        await reopened.protect(CASE_A, change('lift', ['P1'], 2)); // older than the restriction: ignored after the reopen too
        expect((await caseOf(CASE_A, reopened))?.restricted).toEqual(['P1', 'P2']);
      });
    });

    describe('keyAccess on what keysOf answers', () => {
      /** A case with a live key (P1), a restricted one (P2), an erased one (P3), a restricted ref without key (P4), and the case's own key. */
      const protectedCase = async () => {
        const keys = await store.provide(CASE_A, IT, ['P1', 'P2', 'P3', STAR]);
        await store.protect(CASE_A, change('restrict', ['P2', 'P4'], 3));
        await store.protect(CASE_A, change('erase', ['P3'], 4));
        const caseKeys = (await store.keysOf([CASE_A])).get(CASE_A);
        return { keys, caseKeys };
      };

      /** Per ref: what `key` gives (the key as hex, or why not) and what `plain` gives. */
      const seen = (caseKeys: CaseKeys | undefined, view: ReadingView, refs: readonly string[]) => {
        const access = keyAccess(caseKeys, view);
        return Object.fromEntries(
          refs.map((ref) => {
            const key = access.key(ref);
            return [ref, { key: typeof key === 'string' ? key : Buffer.from(key).toString('hex'), plain: access.plain(ref) }];
          }),
        );
      };

      const REFS = ['P1', 'P2', 'P3', 'P4', 'P5', STAR];

      it("'everything' and the owner open every live key, restricted ones too; an erased ref or one without a key reads 'erased'", async () => {
        const { keys, caseKeys } = await protectedCase();
        const hex = hexOf(keys);
        const expected = {
          P1: { key: hex.P1, plain: undefined },
          P2: { key: hex.P2, plain: undefined },
          P3: { key: 'erased', plain: 'erased' },
          P4: { key: 'erased', plain: undefined }, // restricted, but the owner may read it; it has no key to open anything with
          P5: { key: 'erased', plain: undefined }, // a ref the store never heard of
          [STAR]: { key: hex[STAR], plain: undefined },
        };

        expect(seen(caseKeys, 'everything', REFS)).toEqual(expected);
        expect(seen(caseKeys, { reader: IT }, REFS)).toEqual(expected);
      });

      it("'public' and any other reader get 'restricted' for the restricted refs, 'erased' for the erased one, the key otherwise", async () => {
        const { keys, caseKeys } = await protectedCase();
        const hex = hexOf(keys);
        const expected = {
          P1: { key: hex.P1, plain: undefined },
          P2: { key: 'restricted', plain: 'restricted' },
          P3: { key: 'erased', plain: 'erased' },
          P4: { key: 'restricted', plain: 'restricted' },
          P5: { key: 'erased', plain: undefined },
          [STAR]: { key: hex[STAR], plain: undefined },
        };

        expect(seen(caseKeys, 'public', REFS)).toEqual(expected);
        expect(seen(caseKeys, { reader: BE }, REFS)).toEqual(expected);
      });

      it("gives 'erased' for every ref of a case erased as a whole, whoever reads", async () => {
        await store.provide(CASE_A, IT, ['P1', STAR]);
        await store.protect(CASE_A, change('restrict', ['P1'], 2));
        await store.protect(CASE_A, change('erase', 'wholeCase', 3));
        const caseKeys = (await store.keysOf([CASE_A])).get(CASE_A);

        for (const view of ['everything', 'public', { reader: IT }, { reader: BE }] as const) {
          expect(seen(caseKeys, view, ['P1', 'P9', STAR])).toEqual({
            P1: { key: 'erased', plain: 'erased' },
            P9: { key: 'erased', plain: 'erased' },
            [STAR]: { key: 'erased', plain: 'erased' },
          });
        }
      });

      it('gives no key, and withholds nothing stored in plain, for a case keysOf does not know', async () => {
        const caseKeys = (await store.keysOf([UNKNOWN_CASE])).get(UNKNOWN_CASE);
        expect(caseKeys).toBeUndefined();

        for (const view of ['everything', 'public', { reader: IT }] as const) {
          expect(seen(caseKeys, view, ['P1', STAR])).toEqual({ P1: { key: 'erased', plain: undefined }, [STAR]: { key: 'erased', plain: undefined } });
        }
      });
    });
  });
}
