import { boardList, rankedCounts, utcTime, words } from './format';

describe('console formatting', () => {
  it('reads both shapes of a board list', () => {
    const items = [{ caseId: 'A' }, { caseId: 'B' }];
    expect(boardList(items)).toEqual({ total: 2, recent: items });
    expect(boardList({ total: 57, recent: items })).toEqual({ total: 57, recent: items });
    expect(boardList(undefined)).toEqual({ total: 0, recent: [] });
  });

  it('ranks counts largest first, then by name, leaving out zeros', () => {
    expect(rankedCounts({ routine: 2, urgent: 5, immediate: 2, none: 0 })).toEqual([
      ['urgent', 5],
      ['immediate', 2],
      ['routine', 2],
    ]);
  });

  it('writes times in UTC and codes as words', () => {
    expect(utcTime('2026-03-14T02:00:00+01:00')).toBe('2026-03-14 01:00:00 UTC');
    expect(utcTime(null)).toBe('—');
    expect(words('central_mediterranean')).toBe('central mediterranean');
  });
});
