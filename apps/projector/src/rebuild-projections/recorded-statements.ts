import type { SqlStatements, SqlValue } from '@cmx/read-models';

export interface RecordedStatement {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

/** The writes of a flush, kept to be run later in another thread's transaction. */
export class RecordedStatements implements SqlStatements {
  readonly statements: RecordedStatement[] = [];

  async query(): Promise<never> {
    throw new Error('a recorded flush only writes: a projection rebuilt from nothing reads no rows');
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    this.statements.push({ sql, params });
    return 0;
  }
}
