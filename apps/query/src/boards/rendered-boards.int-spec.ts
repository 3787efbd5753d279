import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BoardListFragments, EMPTY_BOARD_TOTALS, renderBoard, SqliteSqlDatabase, StoredBoardTotals } from '@cmx/read-models';
import { BoardRequest, RenderedBoards } from './rendered-boards';

const HYDRA: BoardRequest = { kind: 'operation', id: 'OP-HYDRA-2026', members: ['EUROPOL', 'NCB-IT'], reader: 'NCB-IT' };
const NO_FRAGMENTS: BoardListFragments = { flaggedDocuments: '', vessels: '', vehicles: '', locations: '' };

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

  /** What the projector writes when a case of the board changes: its fragments, and the board's totals with a new revision. */
  async function projectorWrites(caseId: string, vessels: string, totals: StoredBoardTotals): Promise<void> {
    await db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO board_cases (reader, kind, group_id, case_id, status, route, crime_areas, last_activity_at, listing, contribution,
           flagged_documents, vessels, vehicles, locations)
         VALUES (?, ?, ?, ?, 'open', NULL, ',', '2026-03-01T10:00:00.000Z', '{}', '{}', '', ?, '', '')
         ON CONFLICT (reader, kind, group_id, case_id) DO UPDATE SET vessels = excluded.vessels`,
        [HYDRA.reader, HYDRA.kind, HYDRA.id, caseId, vessels],
      );
      await tx.run(
        `INSERT INTO boards (reader, kind, group_id, body) VALUES (?, ?, ?, ?)
         ON CONFLICT (reader, kind, group_id) DO UPDATE SET body = excluded.body`,
        [HYDRA.reader, HYDRA.kind, HYDRA.id, JSON.stringify(totals)],
      );
    });
  }

  const totals = (total: number, revision: string): StoredBoardTotals => ({ ...EMPTY_BOARD_TOTALS, cases: { total, open: total, closed: 0 }, revision });
  const vessel = (caseId: string, name: string) => JSON.stringify({ caseId, name });
  const text = (body: Buffer) => body.toString('utf8');

  it('renders the board from its rows; unchanged, it answers the same bytes again without reading the cases', async () => {
    await projectorWrites('case-b', vessel('case-b', 'NOUR'), totals(1, 'r1'));
    await projectorWrites('case-a', vessel('case-a', 'AL AMAL'), totals(2, 'r2'));
    const boards = new RenderedBoards(db, { boardCacheMiB: 1 });
    const snapshots = jest.spyOn(db, 'readSnapshot');

    const first = await boards.body(HYDRA);
    const again = await boards.body(HYDRA);

    const { revision: _revision, ...expectedTotals } = totals(2, 'r2');
    expect(text(first)).toBe(
      renderBoard(HYDRA, expectedTotals, [
        { ...NO_FRAGMENTS, vessels: vessel('case-a', 'AL AMAL') },
        { ...NO_FRAGMENTS, vessels: vessel('case-b', 'NOUR') },
      ]),
    );
    expect(again).toBe(first);
    expect(snapshots).toHaveBeenCalledTimes(1);
  });

  it('renders again once the projector wrote a new revision, and when the members changed', async () => {
    await projectorWrites('case-a', vessel('case-a', 'AL AMAL'), totals(1, 'r1'));
    const boards = new RenderedBoards(db, { boardCacheMiB: 1 });
    await boards.body(HYDRA);

    await projectorWrites('case-a', vessel('case-a', 'SALAM'), totals(1, 'r2'));
    const changed = JSON.parse(text(await boards.body(HYDRA)));
    const withFrontex = JSON.parse(text(await boards.body({ ...HYDRA, members: [...HYDRA.members, 'FRONTEX'] })));

    expect(changed.vessels).toEqual([{ caseId: 'case-a', name: 'SALAM' }]);
    expect(withFrontex.members).toEqual(['EUROPOL', 'NCB-IT', 'FRONTEX']);
  });

  it('answers an empty board before the projector wrote any row, and the board once it did', async () => {
    const boards = new RenderedBoards(db, { boardCacheMiB: 1 });

    expect(text(await boards.body(HYDRA))).toBe(renderBoard(HYDRA, EMPTY_BOARD_TOTALS, []));
    await projectorWrites('case-a', vessel('case-a', 'AL AMAL'), totals(1, 'r1'));
    expect(JSON.parse(text(await boards.body(HYDRA))).cases.total).toBe(1);
  });

  it('readers asking for the same board at once share one render; other readers and boards get their own', async () => {
    await projectorWrites('case-a', vessel('case-a', 'AL AMAL'), totals(1, 'r1'));
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
    await projectorWrites('case-a', vessel('case-a', 'AL AMAL'), totals(1, 'r1'));
    const boards = new RenderedBoards(db, { boardCacheMiB: 0 });
    const snapshots = jest.spyOn(db, 'readSnapshot');

    const [first, second] = [await boards.body(HYDRA), await boards.body(HYDRA)];

    expect(text(second)).toBe(text(first));
    expect(snapshots).toHaveBeenCalledTimes(2);
  });
});
