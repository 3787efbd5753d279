import { loadConfig, openReadModelDatabase } from '@cmx/platform';

const TABLE_KEYS: Record<string, string> = {
  case_summaries: 'reader, case_id',
  board_case_states: 'reader, case_id',
  board_cases: 'reader, kind, group_id, case_id',
  boards: 'reader, kind, group_id',
};

/** Every row of the read models, in key order: what "rebuilt equals live" compares. */
export async function readModelRows(env: Record<string, string>): Promise<Record<string, unknown[]>> {
  const db = openReadModelDatabase(loadConfig(env));
  try {
    const rows: Record<string, unknown[]> = {};
    for (const [table, key] of Object.entries(TABLE_KEYS)) rows[table] = await db.query(`SELECT * FROM ${table} ORDER BY ${key}`);
    return rows;
  } finally {
    await db.close();
  }
}
