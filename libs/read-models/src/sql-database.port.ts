export const READ_MODEL_DATABASE = Symbol('READ_MODEL_DATABASE');

export type SqlValue = string | number | null;
export type SqlRow = Record<string, SqlValue>;

export interface SqlStatements {
  /** Rows of a SELECT; `?` placeholders, in order. */
  query<Row extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** A statement that returns no rows; the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

/**
 * The read models' database: SQLite (embedded) or PostgreSQL, behind the few
 * operations the projector and the queries need, in the SQL both engines
 * share (`?` placeholders, `INSERT … ON CONFLICT … DO UPDATE`, text for
 * JSON, positions and times). Both adapters pass ./conformance.
 */
export interface SqlDatabase extends SqlStatements {
  readonly engine: 'sqlite' | 'postgres';
  /** All or nothing; readers see either none of it or all of it. */
  transaction<T>(work: (tx: SqlStatements) => Promise<T>): Promise<T>;
  /**
   * Reads that all see one committed state: a transaction that commits while
   * they run shows in none of them. Only queries; a write inside is refused.
   */
  readSnapshot<T>(work: (reads: Pick<SqlStatements, 'query'>) => Promise<T>): Promise<T>;
  /**
   * After rows holding erased data were overwritten: SQLite (secure_delete on, so freed space is zeroed) moves
   * its WAL into the file and truncates it; PostgreSQL vacuums the read-model tables so dead rows are reclaimed.
   */
  reclaimOverwrittenRows(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
