import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Pool } from 'pg';
import { describeOnPostgres } from '@cmx/event-store/conformance';
import { migrate } from '@cmx/event-store/postgres';
import {
  BoardItem,
  BoardListFilter,
  BoardListName,
  compareNewestFirst,
  listItemOf,
  matchesBoardListFilter,
  PostgresSqlDatabase,
  SqlDatabase,
  SqliteSqlDatabase,
} from '@cmx/read-models';
import { readBoardItems } from './board-items';

const BOARD = { reader: 'NCB-IT', kind: 'operation', id: 'OP-HYDRA-2026' } as const;

/** Items of a few cases and times (ties on both), in the lists the filters apply to, with facets drawn from a few values. */
const itemsArbitrary = fc
  .uniqueArray(
    fc.record({
      list: fc.constantFrom<BoardListName>('documents', 'locations', 'persons'),
      caseId: fc.constantFrom('GR-2026-7', 'IT-2026-10', 'IT-2026-9', 'IT-2026-100'),
      lastActivityAt: fc.constantFrom('2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.001Z', '2026-03-02T09:00:00.000Z'),
      index: fc.integer({ min: 0, max: 12 }),
      facet: fc.option(fc.constantFrom('stolen', 'genuine', 'lost', 'hotspot', 'migrant'), { nil: null }),
      facet2: fc.option(fc.constantFrom('passport', 'located'), { nil: null }),
    }),
    { selector: (item) => `${item.list} ${item.caseId} ${item.index}`, maxLength: 120 },
  )
  // One last activity a case, as the projector writes them.
  .map((items) =>
    items.map((item): BoardItem => ({
      ...item,
      lastActivityAt: items.find((other) => other.caseId === item.caseId)!.lastActivityAt,
      fields: { n: item.index },
    })),
  );

const FILTERS: readonly [BoardListName, BoardListFilter][] = [
  ['documents', {}],
  ['documents', { status: 'flagged' }],
  ['documents', { status: 'stolen' }],
  ['documents', { type: 'passport' }],
  ['documents', { status: 'flagged', type: 'passport' }],
  ['locations', { kind: 'hotspot' }],
  ['locations', { located: true }],
  ['persons', { role: 'migrant' }],
];

/** Property: on a real engine, paging a list by cursor through board_items gives the items in the lists' order, filtered, once each. */
function describePaging(engine: string, open: () => Promise<{ db: SqlDatabase; close: () => Promise<void> }>): void {
  describe(`readBoardItems on ${engine} (property: pages put together are the list, newest first, filtered, no repeat, no gap)`, () => {
    it('for 40 random sets of items, every list and filter, paged 1 to 7 at a time', async () => {
      await fc.assert(
        fc.asyncProperty(itemsArbitrary, fc.integer({ min: 1, max: 7 }), async (items, limit) => {
          const { db, close } = await open();
          try {
            await db.transaction(async (tx) => {
              for (const item of items) {
                await tx.run(
                  `INSERT INTO board_items (reader, kind, group_id, list, last_activity_at, case_id, item_index, facet, facet2, item) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
                  [
                    BOARD.reader,
                    BOARD.kind,
                    BOARD.id,
                    item.list,
                    item.lastActivityAt,
                    item.caseId,
                    item.index,
                    item.facet,
                    item.facet2,
                    JSON.stringify(item.fields),
                  ],
                );
              }
              // Another reader's items are never read.
              await tx.run(
                `INSERT INTO board_items (reader, kind, group_id, list, last_activity_at, case_id, item_index, facet, facet2, item) VALUES ('NCB-GR', ?, ?, 'documents', ?, 'IT-2026-1', 0, 'stolen', 'passport', '{}')`,
                [BOARD.kind, BOARD.id, '2026-03-01T10:00:00.000Z'],
              );
            });
            for (const [list, filter] of FILTERS) {
              const expected = items
                .filter((item) => item.list === list && matchesBoardListFilter(item, filter))
                .sort(compareNewestFirst)
                .map((item) => listItemOf(item));
              const read: unknown[] = [];
              for (let after: Awaited<ReturnType<typeof readBoardItems>>[number]['position'] | undefined; ;) {
                const page = await readBoardItems(db, db.engine, { ...BOARD, list, filter, after, limit: limit + 1 });
                read.push(...page.slice(0, limit).map((row) => row.item));
                if (page.length <= limit) break;
                after = page[limit - 1].position;
              }
              expect([list, filter, read]).toEqual([list, filter, expected]);
            }
          } finally {
            await close();
          }
        }),
        { numRuns: 40 },
      );
    }, 120_000);
  });
}

const directory = mkdtempSync(join(tmpdir(), 'cmx-board-items-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
describePaging('SQLite', async () => {
  const db = SqliteSqlDatabase.open(join(directory, `${randomBytes(4).toString('hex')}.sqlite`));
  return { db, close: () => db.close() };
});

describeOnPostgres('readBoardItems on PostgreSQL', 'board items', (connectionString) => {
  const admin = new Pool({ connectionString, max: 1 });
  const schema = `cmx_board_items_${process.pid}_${randomBytes(4).toString('hex')}`;
  beforeAll(() => migrate(admin, schema));
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });
  describePaging('PostgreSQL', async () => {
    const db = PostgresSqlDatabase.open(connectionString, schema);
    await db.run('DELETE FROM board_items');
    return { db, close: () => db.close() };
  });
});
