import type { BoardList, Counts } from './api/types';

/** A vocabulary code as words: `central_mediterranean` → `central mediterranean`. */
export const words = (code: string): string => code.replace(/_/g, ' ');

/** An RFC 3339 time as `2026-03-14 01:00:00 UTC`, the same for every reader whatever their time zone. */
export function utcTime(time: string | null | undefined): string {
  if (!time) return '—';
  const parsed = new Date(time);
  if (Number.isNaN(parsed.getTime())) return time;
  return `${parsed.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Counts largest first, then by name. */
export function rankedCounts(counts: Counts | undefined): [string, number][] {
  return Object.entries(counts ?? {})
    .filter(([, count]) => typeof count === 'number' && count > 0)
    .sort(([nameA, countA], [nameB, countB]) => countB - countA || nameA.localeCompare(nameB));
}

/** A board list as `{ total, recent }`, whether the exchange answers in the revised shape or with the older plain array. */
export function boardList<Item>(list: BoardList<Item> | undefined): { readonly total: number; readonly recent: readonly Item[] } {
  if (list === undefined) return { total: 0, recent: [] };
  if (Array.isArray(list)) return { total: list.length, recent: list };
  const revised = list as { readonly total: number; readonly recent: readonly Item[] };
  return { total: revised.total, recent: revised.recent ?? [] };
}

export const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;
