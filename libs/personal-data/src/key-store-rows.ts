import type { DataKey } from './data-key-cipher';
import type { CaseKeys } from './key-store.port';

/** One row of data_keys as both adapters read it: a destroyed key leaves a row with no key, marked erased. */
export interface DataKeyRow {
  readonly case_id: string;
  readonly ref: string;
  readonly key: Buffer | null;
  readonly restricted: number | boolean;
  readonly erased: number | boolean;
}

export interface KeyCaseRow {
  readonly case_id: string;
  readonly owner: string;
  readonly erased: number | boolean;
}

export function caseKeysOf(cases: readonly KeyCaseRow[], keys: readonly DataKeyRow[]): Map<string, CaseKeys> {
  const byCase = new Map<string, { owner: string; keys: Map<string, DataKey>; restricted: Set<string>; erased: Set<string>; wholeCaseErased: boolean }>();
  for (const row of cases) {
    byCase.set(row.case_id, { owner: row.owner, keys: new Map(), restricted: new Set(), erased: new Set(), wholeCaseErased: Boolean(row.erased) });
  }
  for (const row of keys) {
    const entry = byCase.get(row.case_id);
    if (!entry) continue;
    if (row.erased) entry.erased.add(row.ref);
    else if (row.key) entry.keys.set(row.ref, Buffer.from(row.key));
    if (row.restricted) entry.restricted.add(row.ref);
  }
  return byCase;
}
