import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { READ_MODEL_TABLES } from './read-model-tables';
import type { SqlDatabase, SqlRow, SqlStatements, SqlValue } from './sql-database.port';

/** Statements prepared once per connection. */
class PreparedStatements implements SqlStatements {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(readonly connection: Database.Database) {}

  async query<Row extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return this.statement(sql).all(...params) as Row[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.statement(sql).run(...params).changes;
  }

  private statement(sql: string): Database.Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.connection.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }
}

/**
 * A file made before the boards' lists were bounded (issue 13) keeps each case's list items as fragments in
 * board_cases and has no board_items: its boards' rows go, and the boards projection starts again from the
 * beginning of the store (a new generation), so that the projector folds them into the new tables (or
 * `npm run projections:rebuild boards` does, at once). The same as PostgreSQL's migration 008.
 */
function resetBoardsOfAnEarlierShape(db: Database.Database): void {
  const hasFragments = () => db.prepare("SELECT 1 FROM pragma_table_info('board_cases') WHERE name = 'flagged_documents'").pluck().get() !== undefined;
  db.transaction(() => {
    if (!hasFragments()) return;
    db.exec(`DROP TABLE board_cases;
      DELETE FROM board_case_states;
      DELETE FROM boards;
      UPDATE projection_checkpoints SET position = '', generation = generation + 1 WHERE projection = 'boards';`);
  }).immediate();
}

/**
 * The read models in one SQLite file, WAL, with three connections:
 * transactions run one after another on the writing one, queries outside them
 * read on another, which sees only committed transactions, and read snapshots
 * run one after another on the third.
 */
export class SqliteSqlDatabase implements SqlDatabase {
  readonly engine = 'sqlite';
  private queue: Promise<unknown> = Promise.resolve();
  private snapshots: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly writer: PreparedStatements,
    private readonly reader: PreparedStatements,
    private readonly snapshotReader: PreparedStatements,
  ) {}

  static open(file: string): SqliteSqlDatabase {
    mkdirSync(dirname(file), { recursive: true });
    const connect = () => {
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // Deleted and overwritten rows are zeroed in the file, so that erased persons' rows leave no bytes behind.
      db.pragma('secure_delete = ON');
      // A rebuild swaps a whole model in one transaction; other writers wait for it rather than fail.
      db.pragma('busy_timeout = 60000');
      return db;
    };
    const writer = connect();
    resetBoardsOfAnEarlierShape(writer);
    writer.exec(READ_MODEL_TABLES);
    const snapshotReader = connect();
    snapshotReader.pragma('query_only = ON');
    return new SqliteSqlDatabase(new PreparedStatements(writer), new PreparedStatements(connect()), new PreparedStatements(snapshotReader));
  }

  query<Row extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return this.reader.query<Row>(sql, params);
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.transaction((tx) => tx.run(sql, params));
  }

  transaction<T>(work: (tx: SqlStatements) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      this.writer.connection.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.writer);
        this.writer.connection.exec('COMMIT');
        return result;
      } catch (error) {
        this.writer.connection.exec('ROLLBACK');
        throw error;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  readSnapshot<T>(work: (reads: Pick<SqlStatements, 'query'>) => Promise<T>): Promise<T> {
    const { connection } = this.snapshotReader;
    const next = this.snapshots.then(async () => {
      // A deferred transaction's snapshot is taken by its first read, so the work's reads share it.
      connection.exec('BEGIN');
      try {
        return await work({ query: (sql, params) => this.snapshotReader.query(sql, params) });
      } finally {
        connection.exec('COMMIT');
      }
    });
    this.snapshots = next.catch(() => undefined);
    return next;
  }

  reclaimOverwrittenRows(): Promise<void> {
    const next = this.queue.then(() => {
      this.writer.connection.pragma('wal_checkpoint(TRUNCATE)');
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async ping(): Promise<void> {
    await this.reader.query('SELECT 1 AS one');
  }

  async close(): Promise<void> {
    await Promise.all([this.queue, this.snapshots]);
    this.writer.connection.close();
    this.reader.connection.close();
    this.snapshotReader.connection.close();
  }
}
