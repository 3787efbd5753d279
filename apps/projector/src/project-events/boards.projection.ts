import type { StoredEvent } from '@cmx/event-store';
import type { SqlStatements } from '@cmx/read-models';
import { BoardCase, BoardKind, boardView, evolveBoardCase } from '@cmx/read-models';
import { caseEventOf, unloadedCaseIds } from './case-events-of';
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
 * board_cases, boards). Each case as the reader sees it is folded once; a
 * board's figures are recomputed from its cases when one of them changed,
 * once per flushed batch, and stored as the JSON the query sends (its member
 * list filled in at query time, since admins change it).
 */
export class BoardsProjection implements Projection {
  readonly name = 'boards';
  private readonly cases = new Map<string, BoardCase>();
  private readonly loadedCases = new Set<string>();
  /** For each board whose cases are all in memory: their case keys. */
  private readonly boardMembers = new Map<string, Set<string>>();
  private readonly dirtyCases = new Set<string>();

  constructor(private readonly startsEmpty = false) {}

  async load(events: readonly StoredEvent[], db: SqlStatements): Promise<void> {
    const missing = unloadedCaseIds(events, this.loadedCases);
    const rows = this.startsEmpty ? [] : await rowsOfCases(db, 'board_case_states', missing);
    for (const row of rows) this.cases.set(caseKey(row.reader, row.case_id), JSON.parse(row.body));
    missing.forEach((caseId) => this.loadedCases.add(caseId));
  }

  fold(event: StoredEvent): void {
    const projected = caseEventOf(event);
    if (!projected) return;
    for (const reader of projected.readers) {
      const key = caseKey(reader, projected.caseId);
      const current = this.cases.get(key);
      const next = evolveBoardCase(current, projected);
      if (next === current) continue;
      this.cases.set(key, next);
      this.dirtyCases.add(key);
    }
  }

  async flush(tx: SqlStatements): Promise<void> {
    const stateRows: (string | null)[][] = [];
    const listingRows: (string | number | null)[][] = [];
    const dirtyBoards = new Map<string, { reader: string; kind: BoardKind; groupId: string }>();
    for (const key of this.dirtyCases) {
      const [reader] = key.split(SEPARATOR);
      const boardCase = this.cases.get(key)!;
      const { summary } = boardCase;
      stateRows.push([reader, summary.caseId, JSON.stringify(boardCase)]);
      const listing: CaseListing = {
        caseId: summary.caseId,
        status: summary.status,
        title: summary.title,
        owner: summary.owner,
        crimeAreas: summary.crimeAreas,
        route: summary.route?.name ?? null,
        version: summary.version,
        lastActivityAt: summary.lastActivityAt,
      };
      const groups = [
        ...summary.operations.map((groupId) => ({ kind: 'operation' as const, groupId })),
        ...summary.taskForces.map((groupId) => ({ kind: 'taskForce' as const, groupId })),
      ];
      for (const { kind, groupId } of groups) {
        listingRows.push([reader, kind, groupId, summary.caseId, summary.status, listing.route, `,${summary.crimeAreas.join(',')},`, summary.lastActivityAt, JSON.stringify(listing)]);
        const board = boardKey(reader, kind, groupId);
        dirtyBoards.set(board, { reader, kind, groupId });
        this.boardMembers.get(board)?.add(key);
      }
    }
    await upsertRows(tx, 'board_case_states', ['reader', 'case_id', 'body'], ['reader', 'case_id'], stateRows);
    await upsertRows(
      tx,
      'board_cases',
      ['reader', 'kind', 'group_id', 'case_id', 'status', 'route', 'crime_areas', 'last_activity_at', 'listing'],
      ['reader', 'kind', 'group_id', 'case_id'],
      listingRows,
    );
    const boardRows: string[][] = [];
    for (const [board, { reader, kind, groupId }] of dirtyBoards) {
      const members = await this.casesOfBoard(board, reader, kind, groupId, tx);
      const cases = Object.fromEntries([...members].map((key) => [key.split(SEPARATOR)[1], this.cases.get(key)!]));
      boardRows.push([reader, kind, groupId, JSON.stringify(boardView({ reader, cases }, { kind, id: groupId, members: [] }))]);
    }
    await upsertRows(tx, 'boards', ['reader', 'kind', 'group_id', 'body'], ['reader', 'kind', 'group_id'], boardRows);
    this.dirtyCases.clear();
  }

  async clear(tx: SqlStatements): Promise<void> {
    for (const table of ['board_case_states', 'board_cases', 'boards']) await tx.run(`DELETE FROM ${table}`);
  }

  /** The case keys of a board, read once from board_cases (and their states) and then kept current in memory. */
  private async casesOfBoard(board: string, reader: string, kind: BoardKind, groupId: string, tx: SqlStatements): Promise<Set<string>> {
    let members = this.boardMembers.get(board);
    if (members) return members;
    const rows = this.startsEmpty
      ? []
      : await tx.query<{ case_id: string; body: string }>(
          `SELECT s.case_id, s.body FROM board_cases c JOIN board_case_states s ON s.reader = c.reader AND s.case_id = c.case_id
           WHERE c.reader = ? AND c.kind = ? AND c.group_id = ?`,
          [reader, kind, groupId],
        );
    members = new Set<string>();
    for (const row of rows) {
      const key = caseKey(reader, row.case_id);
      if (!this.cases.has(key)) this.cases.set(key, JSON.parse(row.body));
      members.add(key);
    }
    for (const [key, boardCase] of this.cases) {
      const groups = kind === 'operation' ? boardCase.summary.operations : boardCase.summary.taskForces;
      if (key.startsWith(`${reader}${SEPARATOR}`) && groups.includes(groupId)) members.add(key);
    }
    this.boardMembers.set(board, members);
    return members;
  }
}
