import { Pool } from 'pg';
import type { CheckpointStore } from './checkpoint-store.port';

/** Checkpoints in the exchange's PostgreSQL schema (table created by `npm run migrate`). */
export class PostgresCheckpointStore implements CheckpointStore {
  private constructor(
    private readonly pool: Pool,
    private readonly table: string,
  ) {}

  static open(connectionString: string, schema: string): PostgresCheckpointStore {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
    return new PostgresCheckpointStore(new Pool({ connectionString, max: 2 }), `"${schema}".checkpoints`);
  }

  async load(consumer: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ position: string }>(`SELECT position FROM ${this.table} WHERE consumer = $1`, [consumer]);
    return rows[0]?.position;
  }

  async save(consumer: string, position: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table} (consumer, position, saved_at) VALUES ($1, $2, now())
       ON CONFLICT (consumer) DO UPDATE SET position = excluded.position, saved_at = excluded.saved_at`,
      [consumer, position],
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
