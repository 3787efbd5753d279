/**
 * The cases a projection holds in memory, by case id, least recently touched
 * first. Beyond `capacity`, `evict()` drops the least recently touched: their
 * rows are written, and a later batch that needs one of them loads it again.
 */
export class CasesInMemory<Entry> {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly capacity: number,
    private readonly emptyEntry: () => Entry,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  has(caseId: string): boolean {
    return this.entries.has(caseId);
  }

  get(caseId: string): Entry | undefined {
    return this.entries.get(caseId);
  }

  /** The case's entry (a new, empty one if it had none), now the most recently touched. */
  touch(caseId: string): Entry {
    let entry = this.entries.get(caseId);
    if (entry === undefined) entry = this.emptyEntry();
    else this.entries.delete(caseId);
    this.entries.set(caseId, entry);
    return entry;
  }

  /** Call only once every change is written: what is dropped is not written again. */
  evict(): void {
    for (const caseId of this.entries.keys()) {
      if (this.entries.size <= this.capacity) return;
      this.entries.delete(caseId);
    }
  }
}

/** The readers of `caseId` in a map of changes not yet written, the set made if it had none. */
export function dirtyReadersOf(dirty: Map<string, Set<string>>, caseId: string): Set<string> {
  let readers = dirty.get(caseId);
  if (!readers) dirty.set(caseId, (readers = new Set()));
  return readers;
}
