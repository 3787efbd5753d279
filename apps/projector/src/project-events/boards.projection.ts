import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '@cmx/event-store';
import type { SqlStatements } from '@cmx/read-models';
import {
  applyContribution,
  BOARD_LISTS,
  BoardCase,
  BoardContribution,
  BoardItem,
  boardItemsOf,
  BoardKind,
  BoardTotals,
  contributionOf,
  EMPTY_BOARD_TOTALS,
  evolveBoardCase,
  StoredBoardTotals,
} from '@cmx/read-models';
import { caseEventOf, refoldedStates, unloadedCaseIds } from './case-events-of';
import { CasesInMemory, dirtyReadersOf } from './cases-in-memory';
import { computedOnce, foldForReaders } from './shared-states';
import { insertRows, Projection, ProjectionOptions, ROWS_PER_STATEMENT, rowsOfCases, upsertRows } from './projection';

const SEPARATOR = '\u0000';
const boardKey = (reader: string, kind: BoardKind, groupId: string) => `${reader}${SEPARATOR}${kind}${SEPARATOR}${groupId}`;

/** A case in memory: each reader's view of it, and what it last added to each of its boards (by board key). */
interface BoardCaseEntry {
  readonly states: Map<string, BoardCase>;
  readonly contributions: Map<string, BoardContribution>;
}

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
 * board_cases, board_items, boards). Each case as the reader sees it is folded
 * once. A board keeps running totals (a changed case's old contribution taken
 * out, its new one put in) and each of its cases its list items, one a row
 * keyed in the lists' order; when a case changes its items of each of its
 * boards are written again. A batch costs what it changed, whatever the
 * board's size; the query reads the totals and the newest items.
 */
export class BoardsProjection implements Projection {
  readonly name = 'boards';
  private readonly cases: CasesInMemory<BoardCaseEntry>;
  private readonly totals = new Map<string, BoardTotals>();
  /** The readers whose view of a case changed since the last flush, by case id. */
  private readonly dirty = new Map<string, Set<string>>();
  private readonly startsEmpty: boolean;

  constructor({ startsEmpty = false, casesInMemory = Number.POSITIVE_INFINITY }: ProjectionOptions = {}) {
    this.startsEmpty = startsEmpty;
    this.cases = new CasesInMemory(casesInMemory, () => ({ states: new Map(), contributions: new Map() }));
  }

  async load(events: readonly StoredEvent[], db: SqlStatements): Promise<void> {
    const missing = unloadedCaseIds(events, this.cases);
    missing.forEach((caseId) => this.cases.touch(caseId));
    if (this.startsEmpty || missing.size === 0) return;
    for (const row of await rowsOfCases(db, 'board_case_states', missing)) this.cases.touch(row.case_id).states.set(row.reader, JSON.parse(row.body));
    const contributions = await rowsOfCases<{ reader: string; kind: BoardKind; group_id: string; case_id: string; contribution: string }>(
      db,
      'board_cases',
      missing,
      'reader, kind, group_id, case_id, contribution',
    );
    for (const row of contributions) {
      this.cases.touch(row.case_id).contributions.set(boardKey(row.reader, row.kind, row.group_id), JSON.parse(row.contribution));
    }
  }

  fold(event: StoredEvent): void {
    const projected = caseEventOf(event);
    if (!projected) return;
    const { caseId, readers } = projected;
    foldForReaders(this.cases.touch(caseId).states, readers, (boardCase) => evolveBoardCase(boardCase, projected), dirtyReadersOf(this.dirty, caseId));
  }

  /** The case's old contributions stay: the flush takes them out of its boards' totals and puts the new ones in. */
  refold(caseId: string, history: readonly StoredEvent[]): void {
    const { states } = this.cases.touch(caseId);
    const dirty = dirtyReadersOf(this.dirty, caseId);
    for (const [reader, boardCase] of refoldedStates(history, evolveBoardCase)) {
      states.set(reader, boardCase);
      dirty.add(reader);
    }
  }

  async flush(tx: SqlStatements): Promise<void> {
    const stateRows: (string | null)[][] = [];
    const caseRows: (string | number | null)[][] = [];
    const itemRows: (string | number | null)[][] = [];
    /** The items of each changed case-board as written before: where they are in board_items (by its key). */
    const earlierItems: (string | number)[][] = [];
    const dirtyBoards = new Map<string, { reader: string; kind: BoardKind; groupId: string }>();
    const derivedOf = computedOnce(derivedRowsOf);
    for (const [caseId, readers] of this.dirty) {
      const { states, contributions } = this.cases.get(caseId)!;
      for (const reader of readers) {
        const boardCase = states.get(reader)!;
        const { summary } = boardCase;
        const { state, listing, contribution, contributionJson, items } = derivedOf(boardCase);
        stateRows.push([reader, caseId, state]);
        for (const { kind, groupId } of groupsOf(summary)) {
          const board = boardKey(reader, kind, groupId);
          const totals = await this.totalsOf(board, reader, kind, groupId, tx);
          const earlier = contributions.get(board);
          const without = earlier ? applyContribution(totals, earlier, -1) : totals;
          this.totals.set(board, applyContribution(without, contribution, 1));
          contributions.set(board, contribution);
          dirtyBoards.set(board, { reader, kind, groupId });
          caseRows.push([
            reader,
            kind,
            groupId,
            caseId,
            summary.status,
            summary.route?.name ?? null,
            `,${summary.crimeAreas.join(',')},`,
            summary.lastActivityAt,
            listing,
            contributionJson,
          ]);
          // Items are written along with the contribution, so the earlier one says where they are.
          if (earlier) earlierItems.push([reader, kind, groupId, earlier.lastActivityAt, caseId]);
          for (const item of items)
            itemRows.push([reader, kind, groupId, item.list, item.lastActivityAt, caseId, item.index, item.facet, item.facet2, item.fields]);
        }
      }
    }
    await upsertRows(tx, 'board_case_states', ['reader', 'case_id', 'body'], ['reader', 'case_id'], stateRows);
    await upsertRows(tx, 'board_cases', BOARD_CASE_COLUMNS, ['reader', 'kind', 'group_id', 'case_id'], caseRows);
    await deleteItems(tx, earlierItems);
    // In key order, so that a rebuild's millions of items are appended to the tree rather than scattered over it.
    await insertRows(tx, 'board_items', BOARD_ITEM_COLUMNS, itemRows.sort(byItemKey));
    await writeTotals(
      tx,
      [...dirtyBoards].map(([board, group]) => ({ ...group, totals: this.totals.get(board)! })),
    );
    this.dirty.clear();
    this.cases.evict();
  }

  async clear(tx: SqlStatements): Promise<void> {
    for (const table of ['board_case_states', 'board_cases', 'board_items', 'boards']) await tx.run(`DELETE FROM ${table}`);
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

/** The boards a case is on. */
function groupsOf(summary: BoardCase['summary']): { kind: BoardKind; groupId: string }[] {
  return [
    ...summary.operations.map((groupId) => ({ kind: 'operation' as const, groupId })),
    ...summary.taskForces.map((groupId) => ({ kind: 'taskForce' as const, groupId })),
  ];
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

const BOARD_CASE_COLUMNS = ['reader', 'kind', 'group_id', 'case_id', 'status', 'route', 'crime_areas', 'last_activity_at', 'listing', 'contribution'];
const BOARD_ITEM_COLUMNS = ['reader', 'kind', 'group_id', 'list', 'last_activity_at', 'case_id', 'item_index', 'facet', 'facet2', 'item'];

/** board_items' primary key order: reader, kind, group id, list, last activity, case id (text), item index (a number). */
function byItemKey(left: readonly (string | number | null)[], right: readonly (string | number | null)[]): number {
  for (let column = 0; column < 6; column++) {
    if (left[column] !== right[column]) return (left[column] as string) < (right[column] as string) ? -1 : 1;
  }
  return (left[6] as number) - (right[6] as number);
}

/**
 * Deletes the items of these case-boards, each given as [reader, kind, group id, last activity, case id]:
 * the key of its rows in every list, so that each is found by the primary key.
 */
async function deleteItems(tx: SqlStatements, caseBoards: readonly (string | number)[][]): Promise<void> {
  const lists = BOARD_LISTS.map((list) => `'${list}'`).join(', ');
  const perCaseBoard = `(reader = ? AND kind = ? AND group_id = ? AND list IN (${lists}) AND last_activity_at = ? AND case_id = ?)`;
  const chunk = Math.floor(ROWS_PER_STATEMENT / 2);
  for (let start = 0; start < caseBoards.length; start += chunk) {
    const some = caseBoards.slice(start, start + chunk);
    await tx.run(`DELETE FROM board_items WHERE ${some.map(() => perCaseBoard).join(' OR ')}`, some.flat());
  }
}

interface DerivedRows {
  readonly state: string;
  readonly listing: string;
  readonly contribution: BoardContribution;
  readonly contributionJson: string;
  /** The case's items in its boards' lists, each item's fields as JSON. */
  readonly items: readonly (Omit<BoardItem, 'fields'> & { readonly fields: string })[];
}

/** What a case's view writes: its state, its listing, its contribution to its boards and its list items. */
function derivedRowsOf(boardCase: BoardCase): DerivedRows {
  const contribution = contributionOf(boardCase);
  return {
    state: JSON.stringify(boardCase),
    listing: JSON.stringify(listingOf(boardCase)),
    contribution,
    contributionJson: JSON.stringify(contribution),
    items: boardItemsOf(boardCase.summary).map((item) => ({ ...item, fields: JSON.stringify(item.fields) })),
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
