import { Pool, type PoolClient } from 'pg';
import { validateSchemaName } from '@cmx/event-store/postgres';
import type { SqlDatabase, SqlRow, SqlStatements, SqlValue } from './sql-database.port';

/** `?` placeholders as PostgreSQL's `$1, $2, …` (the shared SQL never holds a literal `?`). */
const numbered = (sql: string): string => {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
};

/**
 * The read models in the exchange's PostgreSQL schema (tables from migration
 * 004 and 005, `npm run migrate`), reached with search_path so that the shared SQL
 * names tables without a schema.
 */
export class PostgresSqlDatabase implements SqlDatabase {
  readonly engine = 'postgres';
  private queue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;

  private constructor(private readonly pool: Pool) {}

  static open(connectionString: string, schema: string): PostgresSqlDatabase {
    validateSchemaName(schema);
    const pool = new Pool({ connectionString, max: 6, options: `-c search_path="${schema}"` });
    pool.on('error', () => undefined);
    return new PostgresSqlDatabase(pool);
  }

  async query<Row extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return (await this.pool.query<Row>(numbered(sql), params as SqlValue[])).rows;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.pool.query(numbered(sql), params as SqlValue[])).rowCount ?? 0;
  }

  /** Transactions of this process run one after another, as on SQLite; other processes are kept apart by row locks. */
  transaction<T>(work: (tx: SqlStatements) => Promise<T>): Promise<T> {
    const next = this.queue.then(() => this.inTransaction(work));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private inTransaction<T>(work: (tx: SqlStatements) => Promise<T>): Promise<T> {
    return this.onOneClient('BEGIN', work);
  }

  readSnapshot<T>(work: (reads: Pick<SqlStatements, 'query'>) => Promise<T>): Promise<T> {
    return this.onOneClient('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', work);
  }

  /** `work` between `begin` and COMMIT on one pooled connection; ROLLBACK if it throws. */
  private async onOneClient<T>(begin: string, work: (tx: SqlStatements) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(begin);
      const result = await work(statementsOn(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async reclaimOverwrittenRows(): Promise<void> {
    await this.pool.query('VACUUM case_summaries, board_case_states, board_cases, board_items, boards');
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  close(): Promise<void> {
    this.closing ??= this.queue.then(() => this.pool.end());
    return this.closing;
  }
}

function statementsOn(client: PoolClient): SqlStatements {
  return {
    query: async <Row extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []) =>
      (await client.query<Row>(numbered(sql), params as SqlValue[])).rows,
    run: async (sql: string, params: readonly SqlValue[] = []) => (await client.query(numbered(sql), params as SqlValue[])).rowCount ?? 0,
  };
}
