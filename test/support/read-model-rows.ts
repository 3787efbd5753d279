import { loadConfig, openReadModelDatabase } from '@cmx/platform';

const TABLE_KEYS: Record<string, string> = {
  case_summaries: 'reader, case_id',
  board_case_states: 'reader, case_id',
  board_cases: 'reader, kind, group_id, case_id',
  board_items: 'reader, kind, group_id, list, last_activity_at, case_id, item_index',
  boards: 'reader, kind, group_id',
};

/**
 * Every row of the read models, in key order: what "rebuilt equals live"
 * compares. A board's revision is left out: it only tells readers that the
 * board changed, and is new in every transaction that changes it.
 */
export async function readModelRows(env: Record<string, string>): Promise<Record<string, unknown[]>> {
  const db = openReadModelDatabase(loadConfig(env));
  try {
    const rows: Record<string, unknown[]> = {};
    for (const [table, key] of Object.entries(TABLE_KEYS)) rows[table] = await db.query(`SELECT * FROM ${table} ORDER BY ${key}`);
    rows.boards = rows.boards.map((row) => {
      const { revision, ...totals } = JSON.parse((row as { body: string }).body) as { revision?: string };
      expect(revision).toEqual(expect.any(String));
      return { ...(row as object), body: totals };
    });
    return rows;
  } finally {
    await db.close();
  }
}
