import { CasesInMemory, dirtyReadersOf } from './cases-in-memory';

describe('CasesInMemory', () => {
  const holding = (capacity: number, ...caseIds: string[]) => {
    const cases = new CasesInMemory<string[]>(capacity, () => []);
    caseIds.forEach((caseId) => cases.touch(caseId).push(`folded ${caseId}`));
    return cases;
  };

  it('gives a new case an empty entry and the same entry on every later touch', () => {
    const cases = holding(10);
    cases.touch('case-a').push('first');
    cases.touch('case-a').push('second');

    expect(cases.get('case-a')).toEqual(['first', 'second']);
    expect([cases.has('case-a'), cases.has('case-b'), cases.get('case-b')]).toEqual([true, false, undefined]);
  });

  it('keeps everything until evict(), then drops the least recently touched beyond the capacity', () => {
    const cases = holding(2, 'case-a', 'case-b', 'case-c');
    cases.touch('case-a');

    expect(cases.size).toBe(3);
    cases.evict();
    expect([cases.has('case-a'), cases.has('case-b'), cases.has('case-c')]).toEqual([true, false, true]);
    expect(cases.get('case-a')).toEqual(['folded case-a']);
  });

  it('reading with get() or has() does not count as a touch', () => {
    const cases = holding(1, 'case-a', 'case-b');
    cases.get('case-a');
    cases.has('case-a');

    cases.evict();
    expect([cases.has('case-a'), cases.has('case-b')]).toEqual([false, true]);
  });

  it('with no capacity given as infinite, never drops a case', () => {
    const cases = holding(Number.POSITIVE_INFINITY, ...Array.from({ length: 1_000 }, (_, n) => `case-${n}`));
    cases.evict();

    expect(cases.size).toBe(1_000);
  });
});

describe('dirtyReadersOf', () => {
  it('makes the set of a case once and gives it back after', () => {
    const dirty = new Map<string, Set<string>>();
    dirtyReadersOf(dirty, 'case-a').add('NCB-IT');
    dirtyReadersOf(dirty, 'case-a').add('NCB-GR');

    expect(dirty).toEqual(new Map([['case-a', new Set(['NCB-IT', 'NCB-GR'])]]));
  });
});
