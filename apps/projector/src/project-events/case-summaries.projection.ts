import type { StoredEvent } from '@cmx/event-store';
import type { SqlStatements } from '@cmx/read-models';
import { CaseSummary, evolveCaseSummary } from '@cmx/read-models';
import { caseEventOf, refoldedStates, unloadedCaseIds } from './case-events-of';
import { CasesInMemory, dirtyReadersOf } from './cases-in-memory';
import { computedOnce, foldForReaders } from './shared-states';
import { Projection, ProjectionOptions, rowsOfCases, upsertRows } from './projection';

/** Each case's summary by reader. */
type CaseEntry = Map<string, CaseSummary>;

/** GET /v1/cases/{caseId}: each case as each entitled party sees it (table case_summaries). */
export class CaseSummariesProjection implements Projection {
  readonly name = 'case-summaries';
  private readonly cases: CasesInMemory<CaseEntry>;
  /** The readers whose summary of a case changed since the last flush, by case id. */
  private readonly dirty = new Map<string, Set<string>>();
  private readonly startsEmpty: boolean;

  constructor({ startsEmpty = false, casesInMemory = Number.POSITIVE_INFINITY }: ProjectionOptions = {}) {
    this.startsEmpty = startsEmpty;
    this.cases = new CasesInMemory(casesInMemory, () => new Map());
  }

  async load(events: readonly StoredEvent[], db: SqlStatements): Promise<void> {
    const missing = unloadedCaseIds(events, this.cases);
    missing.forEach((caseId) => this.cases.touch(caseId));
    const rows = this.startsEmpty ? [] : await rowsOfCases(db, 'case_summaries', missing);
    for (const row of rows) this.cases.touch(row.case_id).set(row.reader, JSON.parse(row.body));
  }

  fold(event: StoredEvent): void {
    const projected = caseEventOf(event);
    if (!projected) return;
    const { caseId, readers } = projected;
    foldForReaders(this.cases.touch(caseId), readers, (summary) => evolveCaseSummary(summary, projected), dirtyReadersOf(this.dirty, caseId));
  }

  refold(caseId: string, history: readonly StoredEvent[]): void {
    const summaries = this.cases.touch(caseId);
    const dirty = dirtyReadersOf(this.dirty, caseId);
    for (const [reader, summary] of refoldedStates(history, evolveCaseSummary)) {
      summaries.set(reader, summary);
      dirty.add(reader);
    }
  }

  async flush(tx: SqlStatements): Promise<void> {
    const json = computedOnce(JSON.stringify);
    const rows: string[][] = [];
    for (const [caseId, readers] of this.dirty) {
      const summaries = this.cases.get(caseId)!;
      for (const reader of readers) rows.push([reader, caseId, json(summaries.get(reader)!)]);
    }
    await upsertRows(tx, 'case_summaries', ['reader', 'case_id', 'body'], ['reader', 'case_id'], rows);
    this.dirty.clear();
    this.cases.evict();
  }

  async clear(tx: SqlStatements): Promise<void> {
    await tx.run('DELETE FROM case_summaries');
  }
}
