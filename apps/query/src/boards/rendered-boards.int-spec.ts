import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boardOf, EMPTY_BOARD_TOTALS, SqliteSqlDatabase, StoredBoardTotals } from '@cmx/read-models';
import { BoardRequest, RenderedBoards } from './rendered-boards';

const HYDRA: BoardRequest = { kind: 'operation', id: 'OP-HYDRA-2026', members: ['EUROPOL', 'NCB-IT'], reader: 'NCB-IT' };
const NO_ITEMS = { flaggedDocuments: [], vessels: [], vehicles: [], locations: [] };

describe('RenderedBoards (on SQLite)', () => {
  let dir: string;
  let db: SqliteSqlDatabase;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cmx-rendered-boards-'));
    db = SqliteSqlDatabase.open(join(dir, 'read-models.sqlite'));
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What the projector writes when a case of the board changes: its vessel, and the board's totals with a new revision. */
  async function projectorWrites(caseId: string, vesselName: string, totals: StoredBoardTotals, lastActivityAt = '2026-03-01T10:00:00.000Z'): Promise<void> {
    await db.transaction(async (tx) => {
      await tx.run('DELETE FROM board_items WHERE reader = ? AND kind = ? AND group_id = ? AND case_id = ?', [HYDRA.reader, HYDRA.kind, HYDRA.id, caseId]);
      await tx.run(
        `INSERT INTO board_items (reader, kind, group_id, list, last_activity_at, case_id, item_index, facet, facet2, item)
         VALUES (?, ?, ?, 'vessels', ?, ?, 0, NULL, NULL, ?)`,
        [HYDRA.reader, HYDRA.kind, HYDRA.id, lastActivityAt, caseId, JSON.stringify({ name: vesselName })],
      );
      await tx.run(
        `INSERT INTO boards (reader, kind, group_id, body) VALUES (?, ?, ?, ?)
         ON CONFLICT (reader, kind, group_id) DO UPDATE SET body = excluded.body`,
        [HYDRA.reader, HYDRA.kind, HYDRA.id, JSON.stringify(totals)],
      );
    });
  }

  const totals = (total: number, revision: string): StoredBoardTotals => ({
    ...EMPTY_BOARD_TOTALS,
    cases: { total, open: total, closed: 0 },
    listTotals: { ...EMPTY_BOARD_TOTALS.listTotals, vessels: total },
    revision,
  });
  const text = (body: Buffer) => body.toString('utf8');

  it('renders the board from its totals and its newest items; unchanged, it answers the same bytes again without reading the items', async () => {
    await projectorWrites('case-b', 'NOUR', totals(1, 'r1'), '2026-03-01T11:00:00.000Z');
    await projectorWrites('case-a', 'AL AMAL', totals(2, 'r2'));
    const boards = new RenderedBoards(db, { boardCacheMiB: 1 });
    const snapshots = jest.spyOn(db, 'readSnapshot');
    const reads = jest.spyOn(db, 'query');

    const first = await boards.board(HYDRA);
    const again = await boards.board(HYDRA);

    const { revision: _revision, ...expectedTotals } = totals(2, 'r2');
    expect(text(first.body)).toBe(
      JSON.stringify(
        boardOf(HYDRA, expectedTotals, {
          ...NO_ITEMS,
          vessels: [
            { caseId: 'case-b', name: 'NOUR' },
            { caseId: 'case-a', name: 'AL AMAL' },
          ],
        }),
      ),
    );
    expect(JSON.parse(text(first.body)).vessels).toEqual({
      total: 2,
      recent: [
        { caseId: 'case-b', name: 'NOUR' },
        { caseId: 'case-a', name: 'AL AMAL' },
      ],
    });
    expect(first.caseIds).toEqual(['case-b', 'case-a']);
    expect(again.body).toBe(first.body);
    expect(snapshots).toHaveBeenCalledTimes(1);
    // The second read: the totals row alone.
    expect(reads.mock.calls.map(([sql]) => sql)).toEqual(['SELECT body FROM boards WHERE reader = ? AND kind = ? AND group_id = ?']);
  });

  it('shows at most 20 items of a list however many the board has, the newest; its total counts them all', async () => {
    const boards = new RenderedBoards(db, { boardCacheMiB: 1 });
    for (let index = 0; index < 30; index++) {
      await projectorWrites(
        `case-${String(index).padStart(2, '0')}`,
        `V${index}`,
        totals(index + 1, `r${index}`),
        `2026-03-01T10:${String(index).padStart(2, '0')}:00.000Z`,
      );
    }

    const board = JSON.parse(text(await boards.body(HYDRA)));

    expect(board.vessels.total).toBe(30);
    expect(board.vessels.recent.map((vessel: { name: string }) => vessel.name)).toEqual(Array.from({ length: 20 }, (_, index) => `V${29 - index}`));
  });

  it('renders again once the projector wrote a new revision, and when the members changed', async () => {
    await projectorWrites('case-a', 'AL AMAL', totals(1, 'r1'));
    const boards = new RenderedBoards(db, { boardCacheMiB: 1 });
    await boards.body(HYDRA);

    await projectorWrites('case-a', 'SALAM', totals(1, 'r2'));
    const changed = JSON.parse(text(await boards.body(HYDRA)));
    const withFrontex = JSON.parse(text(await boards.body({ ...HYDRA, members: [...HYDRA.members, 'FRONTEX'] })));

    expect(changed.vessels).toEqual({ total: 1, recent: [{ caseId: 'case-a', name: 'SALAM' }] });
    expect(withFrontex.members).toEqual(['EUROPOL', 'NCB-IT', 'FRONTEX']);
  });

  it('answers an empty board before the projector wrote any row, and the board once it did', async () => {
    const boards = new RenderedBoards(db, { boardCacheMiB: 1 });

    expect(text(await boards.body(HYDRA))).toBe(JSON.stringify(boardOf(HYDRA, EMPTY_BOARD_TOTALS, NO_ITEMS)));
    await projectorWrites('case-a', 'AL AMAL', totals(1, 'r1'));
    expect(JSON.parse(text(await boards.body(HYDRA))).cases.total).toBe(1);
  });

  it('readers asking for the same board at once share one render; other readers and boards get their own', async () => {
    await projectorWrites('case-a', 'AL AMAL', totals(1, 'r1'));
    const boards = new RenderedBoards(db, { boardCacheMiB: 1 });
    const snapshots = jest.spyOn(db, 'readSnapshot');

    const bodies = await Promise.all([
      ...Array.from({ length: 5 }, () => boards.body(HYDRA)),
      boards.body({ ...HYDRA, reader: 'EUROPOL' }),
      boards.body({ ...HYDRA, kind: 'taskForce' }),
    ]);

    expect(new Set(bodies.slice(0, 5)).size).toBe(1);
    expect(JSON.parse(text(bodies[5])).cases.total).toBe(0);
    expect(JSON.parse(text(bodies[6])).kind).toBe('taskForce');
    expect(snapshots).toHaveBeenCalledTimes(3);
  });

  it('with BOARD_CACHE_MIB=0 renders every request', async () => {
    await projectorWrites('case-a', 'AL AMAL', totals(1, 'r1'));
    const boards = new RenderedBoards(db, { boardCacheMiB: 0 });
    const snapshots = jest.spyOn(db, 'readSnapshot');

    const [first, second] = [await boards.body(HYDRA), await boards.body(HYDRA)];

    expect(text(second)).toBe(text(first));
    expect(snapshots).toHaveBeenCalledTimes(2);
  });
});
