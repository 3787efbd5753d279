import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '@cmx/event-store';
import type { SqlStatements } from '@cmx/read-models';
import {
  applyContribution,
  BoardCase,
  BoardContribution,
  BoardKind,
  BoardListFragments,
  BoardTotals,
  contributionOf,
  EMPTY_BOARD_TOTALS,
  evolveBoardCase,
  listFragmentsOf,
  StoredBoardTotals,
} from '@cmx/read-models';
import { caseEventOf, unloadedCaseIds } from './case-events-of';
import { foldedOnce } from './shared-states';
import { Projection, rowsOfCases, upsertRows } from './projection';

const SEPARATOR = '\u0000';
const caseKey = (reader: string, caseId: string) => `${reader}${SEPARATOR}${caseId}`;
const boardKey = (reader: string, kind: BoardKind, groupId: string) => `${reader}${SEPARATOR}${kind}${SEPARATOR}${groupId}`;

/** What GET /v1/operations/{id}/cases lists of a case. */
export interface CaseListing {
  readonly caseId: string;
  readonly status: 'open' | 'closed';
  readonly title: string | null;
  readonly owner: string | null;
  readonly crimeAreas: readonly string[];
  readonly route: string | null;
  readonly version: number;
  readonly lastActivityAt: string;
}

/**
 * The operation and task-force boards, per reader (tables board_case_states,
 * board_cases, boards). Each case as the reader sees it is folded once. A
 * board keeps running totals (a changed case's old contribution taken out,
 * its new one put in) and each of its cases keeps its list items as JSON
 * fragments, so a batch costs what it changed, whatever the board's size;
 * the query puts totals and fragments together.
 */
export class BoardsProjection implements Projection {
  readonly name = 'boards';
  private readonly cases = new Map<string, BoardCase>();
  private readonly loadedCases = new Set<string>();
  /** What each case last added to each of its boards, by board key + case id. */
  private readonly contributions = new Map<string, BoardContribution>();
  private readonly totals = new Map<string, BoardTotals>();
  private readonly dirtyCases = new Set<string>();

  constructor(private readonly startsEmpty = false) {}

  async load(events: readonly StoredEvent[], db: SqlStatements): Promise<void> {
    const missing = unloadedCaseIds(events, this.loadedCases);
    if (!this.startsEmpty && missing.size > 0) {
      for (const row of await rowsOfCases(db, 'board_case_states', missing)) this.cases.set(caseKey(row.reader, row.case_id), JSON.parse(row.body));
      const contributions = await rowsOfCases<{ reader: string; kind: BoardKind; group_id: string; case_id: string; contribution: string }>(
        db,
        'board_cases',
        missing,
        'reader, kind, group_id, case_id, contribution',
      );
      for (const row of contributions) {
        this.contributions.set(boardKey(row.reader, row.kind, row.group_id) + SEPARATOR + row.case_id, JSON.parse(row.contribution));
      }
    }
    missing.forEach((caseId) => this.loadedCases.add(caseId));
  }

  fold(event: StoredEvent): void {
    const projected = caseEventOf(event);
    if (!projected) return;
    const evolve = foldedOnce(evolveBoardCase, projected);
    for (const reader of projected.readers) {
      const key = caseKey(reader, projected.caseId);
      const current = this.cases.get(key);
      const next = evolve(current);
      if (next === current) continue;
      this.cases.set(key, next);
      this.dirtyCases.add(key);
    }
  }

  async flush(tx: SqlStatements): Promise<void> {
    const stateRows: (string | null)[][] = [];
    const caseRows: (string | number | null)[][] = [];
    const dirtyBoards = new Map<string, { reader: string; kind: BoardKind; groupId: string }>();
    const derivedOf = derivedOnce();
    for (const key of this.dirtyCases) {
      const [reader] = key.split(SEPARATOR);
      const boardCase = this.cases.get(key)!;
      const { summary } = boardCase;
      const { state, listing, contribution, contributionJson, fragments } = derivedOf(boardCase);
      stateRows.push([reader, summary.caseId, state]);
      const groups = [
        ...summary.operations.map((groupId) => ({ kind: 'operation' as const, groupId })),
        ...summary.taskForces.map((groupId) => ({ kind: 'taskForce' as const, groupId })),
      ];
      for (const { kind, groupId } of groups) {
        const board = boardKey(reader, kind, groupId);
        const totals = await this.totalsOf(board, reader, kind, groupId, tx);
        const earlier = this.contributions.get(board + SEPARATOR + summary.caseId);
        const without = earlier ? applyContribution(totals, earlier, -1) : totals;
        this.totals.set(board, applyContribution(without, contribution, 1));
        this.contributions.set(board + SEPARATOR + summary.caseId, contribution);
        dirtyBoards.set(board, { reader, kind, groupId });
        caseRows.push([
          reader, kind, groupId, summary.caseId, summary.status, summary.route?.name ?? null, `,${summary.crimeAreas.join(',')},`, summary.lastActivityAt,
          listing, contributionJson, fragments.flaggedDocuments, fragments.vessels, fragments.vehicles, fragments.locations,
        ]);
      }
    }
    await upsertRows(tx, 'board_case_states', ['reader', 'case_id', 'body'], ['reader', 'case_id'], stateRows);
    await upsertRows(tx, 'board_cases', BOARD_CASE_COLUMNS, ['reader', 'kind', 'group_id', 'case_id'], caseRows);
    await writeTotals(tx, [...dirtyBoards].map(([board, group]) => ({ ...group, totals: this.totals.get(board)! })));
    this.dirtyCases.clear();
  }

  async clear(tx: SqlStatements): Promise<void> {
    for (const table of ['board_case_states', 'board_cases', 'boards']) await tx.run(`DELETE FROM ${table}`);
  }

  /** Each board's totals from all its cases' contributions, whichever part folded them. */
  async mergeParts(tx: SqlStatements): Promise<void> {
    const boards = new Map<string, { reader: string; kind: BoardKind; groupId: string; totals: BoardTotals }>();
    const rows = await tx.query<{ reader: string; kind: BoardKind; group_id: string; contribution: string }>(
      'SELECT reader, kind, group_id, contribution FROM board_cases',
    );
    for (const { reader, kind, group_id: groupId, contribution } of rows) {
      const key = boardKey(reader, kind, groupId);
      const board = boards.get(key) ?? { reader, kind, groupId, totals: EMPTY_BOARD_TOTALS };
      boards.set(key, { ...board, totals: applyContribution(board.totals, JSON.parse(contribution), 1) });
    }
    await tx.run('DELETE FROM boards');
    await writeTotals(tx, [...boards.values()]);
  }

  private async totalsOf(board: string, reader: string, kind: BoardKind, groupId: string, tx: SqlStatements): Promise<BoardTotals> {
    let totals = this.totals.get(board);
    if (totals) return totals;
    const [row] = this.startsEmpty
      ? []
      : await tx.query<{ body: string }>('SELECT body FROM boards WHERE reader = ? AND kind = ? AND group_id = ?', [reader, kind, groupId]);
    totals = row ? (JSON.parse(row.body) as BoardTotals) : EMPTY_BOARD_TOTALS;
    this.totals.set(board, totals);
    return totals;
  }
}

/** The boards' totals rows, all with one new revision. */
async function writeTotals(tx: SqlStatements, boards: readonly { reader: string; kind: BoardKind; groupId: string; totals: BoardTotals }[]): Promise<void> {
  const revision = randomUUID();
  const rows = boards.map(({ reader, kind, groupId, totals }) => {
    const stored: StoredBoardTotals = { ...totals, revision };
    return [reader, kind, groupId, JSON.stringify(stored)];
  });
  await upsertRows(tx, 'boards', ['reader', 'kind', 'group_id', 'body'], ['reader', 'kind', 'group_id'], rows);
}

const BOARD_CASE_COLUMNS = [
  'reader', 'kind', 'group_id', 'case_id', 'status', 'route', 'crime_areas', 'last_activity_at',
  'listing', 'contribution', 'flagged_documents', 'vessels', 'vehicles', 'locations',
];

interface DerivedRows {
  readonly state: string;
  readonly listing: string;
  readonly contribution: BoardContribution;
  readonly contributionJson: string;
  readonly fragments: BoardListFragments;
}

/** A case's rows, computed once per state object: readers that saw the same messages share it. */
function derivedOnce(): (boardCase: BoardCase) => DerivedRows {
  const derived = new WeakMap<BoardCase, DerivedRows>();
  return (boardCase) => {
    let rows = derived.get(boardCase);
    if (rows === undefined) {
      const contribution = contributionOf(boardCase);
      rows = {
        state: JSON.stringify(boardCase),
        listing: JSON.stringify(listingOf(boardCase)),
        contribution,
        contributionJson: JSON.stringify(contribution),
        fragments: listFragmentsOf(boardCase),
      };
      derived.set(boardCase, rows);
    }
    return rows;
  };
}

function listingOf({ summary }: BoardCase): CaseListing {
  return {
    caseId: summary.caseId,
    status: summary.status,
    title: summary.title,
    owner: summary.owner,
    crimeAreas: summary.crimeAreas,
    route: summary.route?.name ?? null,
    version: summary.version,
    lastActivityAt: summary.lastActivityAt,
  };
}
