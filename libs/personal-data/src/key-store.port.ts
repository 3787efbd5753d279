import type { DataKey } from './data-key-cipher';
import type { KeyAccess, Withheld } from './seal-body';

export const KEY_STORE = Symbol('KEY_STORE');

/** The keys of one case and what its protection allows. */
export interface CaseKeys {
  /** The party that opened the case: the only reader of restricted persons. */
  readonly owner: string;
  /** The live keys by ref; an erased ref has none. */
  readonly keys: ReadonlyMap<string, DataKey>;
  readonly restricted: ReadonlySet<string>;
  readonly erased: ReadonlySet<string>;
  readonly wholeCaseErased: boolean;
}

/** An erasure, a restriction or its lifting, as the case.erased / case.restricted / case.restriction_lifted event at `version` of the case stored it. */
export interface ProtectionChange {
  readonly version: number;
  /** The case's owner, kept when the case had no key yet (a case stored before encryption). */
  readonly owner: string;
  readonly kind: 'erase' | 'restrict' | 'lift';
  readonly refs: readonly string[] | 'wholeCase';
}

/**
 * The data keys of every (case, person ref), and the case's own key `*`, kept
 * apart from the event store: destroying a key erases everything sealed under
 * it, in every copy of every event. Adapters: SQLite (embedded) and PostgreSQL;
 * both pass ./conformance/key-store.conformance.ts.
 */
export interface KeyStore {
  /**
   * The case's keys of these refs; missing ones are made, durable before this
   * resolves. Throws KeysErased when one of the refs, or the whole case, was erased.
   * `owner` is kept from the case's first call.
   */
  provide(caseId: string, owner: string, refs: readonly string[]): Promise<ReadonlyMap<string, DataKey>>;
  /** The keys of these cases; a case without keys is absent. */
  keysOf(caseIds: readonly string[]): Promise<ReadonlyMap<string, CaseKeys>>;
  /**
   * Applies a change, and may be called again with it (each process that meets
   * the event does): an erasure always destroys its keys; a restriction or its
   * lifting is applied only when newer than the case's last one.
   */
  protect(caseId: string, change: ProtectionChange): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class KeysErased extends Error {
  constructor(
    readonly caseId: string,
    readonly refs: readonly string[],
  ) {
    super(`case ${caseId}: ${refs.length > 0 ? `person ${refs.join(', ')} was erased` : 'the case was erased'}`);
    this.name = 'KeysErased';
  }
}

/** Who reads: everything there is a key for (the exchange itself), every reader but the owner (`public`), or one party. */
export type ReadingView = 'everything' | 'public' | { readonly reader: string };

export function keyAccess(caseKeys: CaseKeys | undefined, view: ReadingView): KeyAccess {
  const opensRestricted = view === 'everything' || (typeof view === 'object' && caseKeys !== undefined && view.reader === caseKeys.owner);
  const withheld = (ref: string): Withheld | undefined => {
    if (!caseKeys) return undefined;
    if (caseKeys.wholeCaseErased || caseKeys.erased.has(ref)) return 'erased';
    if (!opensRestricted && caseKeys.restricted.has(ref)) return 'restricted';
    return undefined;
  };
  return {
    key: (ref) => withheld(ref) ?? caseKeys?.keys.get(ref) ?? 'erased',
    plain: withheld,
  };
}
