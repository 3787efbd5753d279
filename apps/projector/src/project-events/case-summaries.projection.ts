import type { StoredEvent } from '@cmx/event-store';
import type { SqlStatements } from '@cmx/read-models';
import { CaseSummary, evolveCaseSummary } from '@cmx/read-models';
import { caseEventOf, unloadedCaseIds } from './case-events-of';
import { foldedOnce, stringifiedOnce } from './shared-states';
import { Projection, rowsOfCases, upsertRows } from './projection';

const keyOf = (reader: string, caseId: string) => `${reader}\u0000${caseId}`;

/** GET /v1/cases/{caseId}: each case as each entitled party sees it (table case_summaries). */
export class CaseSummariesProjection implements Projection {
  readonly name = 'case-summaries';
  private readonly summaries = new Map<string, CaseSummary>();
  private readonly loadedCases = new Set<string>();
  private readonly dirty = new Set<string>();

  /** A projection rebuilt from nothing has nothing to load. */
  constructor(private readonly startsEmpty = false) {}

  async load(events: readonly StoredEvent[], db: SqlStatements): Promise<void> {
    const missing = unloadedCaseIds(events, this.loadedCases);
    const rows = this.startsEmpty ? [] : await rowsOfCases(db, 'case_summaries', missing);
    for (const row of rows) this.summaries.set(keyOf(row.reader, row.case_id), JSON.parse(row.body));
    missing.forEach((caseId) => this.loadedCases.add(caseId));
  }

  fold(event: StoredEvent): void {
    const projected = caseEventOf(event);
    if (!projected) return;
    const evolve = foldedOnce(evolveCaseSummary, projected);
    for (const reader of projected.readers) {
      const key = keyOf(reader, projected.caseId);
      const current = this.summaries.get(key);
      const next = evolve(current);
      if (next === current) continue;
      this.summaries.set(key, next);
      this.dirty.add(key);
    }
  }

  async flush(tx: SqlStatements): Promise<void> {
    const json = stringifiedOnce();
    const rows = [...this.dirty].map((key) => {
      const [reader, caseId] = key.split('\u0000');
      return [reader, caseId, json(this.summaries.get(key)!)];
    });
    await upsertRows(tx, 'case_summaries', ['reader', 'case_id', 'body'], ['reader', 'case_id'], rows);
    this.dirty.clear();
  }

  async clear(tx: SqlStatements): Promise<void> {
    await tx.run('DELETE FROM case_summaries');
  }
}
