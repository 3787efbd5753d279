import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool, PoolClient } from 'pg';

/** The migration version this build of the adapter reads and writes. */
export const POSTGRES_SCHEMA_VERSION = 8;

export const DEFAULT_POSTGRES_SCHEMA = 'cmx';

const MIGRATIONS_DIRECTORY = join(__dirname, 'migrations');
const MIGRATION_FILE_NAME = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  readonly version: number;
  /** The file name without its extension, e.g. `001_create_event_store`. */
  readonly name: string;
  readonly sql: string;
}

export interface MigrationResult {
  /** The migrations this run applied, in order; empty when the schema was already current. */
  readonly applied: readonly Migration[];
  readonly version: number;
}

/** The schema is missing or at another migration version than this build expects. */
export class PostgresSchemaVersionError extends Error {
  override readonly name = 'PostgresSchemaVersionError';

  constructor(
    readonly schema: string,
    readonly actualVersion: number,
    readonly expectedVersion: number,
  ) {
    super(
      actualVersion < expectedVersion
        ? `PostgreSQL schema "${schema}" is at version ${actualVersion}, expected ${expectedVersion}: run npm run migrate`
        : `PostgreSQL schema "${schema}" is at version ${actualVersion}, expected ${expectedVersion}: this build is older than the schema, deploy a newer one`,
    );
  }
}

/**
 * Creates the schema if needed and applies the pending migrations in order,
 * each in its own transaction together with its row in schema_migrations.
 * Concurrent runs against the same schema wait for each other on an advisory
 * lock, so every migration is applied exactly once.
 */
export async function migrate(pool: Pool, schema: string = DEFAULT_POSTGRES_SCHEMA): Promise<MigrationResult> {
  const quotedSchema = quoteSchemaName(schema);
  const migrations = loadMigrations();
  const client = await pool.connect();
  let clientBroken = false;
  try {
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [migrationLockName(schema)]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quotedSchema}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${quotedSchema}.schema_migrations (
           version    integer     PRIMARY KEY,
           name       text        NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const current = await readVersion(client, schema);
      const pending = migrations.filter((migration) => migration.version > current);
      for (const migration of pending) await applyMigration(client, quotedSchema, migration);
      return { applied: pending, version: Math.max(current, ...migrations.map((migration) => migration.version)) };
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [migrationLockName(schema)]);
    }
  } catch (error) {
    clientBroken = true;
    throw error;
  } finally {
    client.release(clientBroken);
  }
}

/** The schema's migration version; 0 when the schema or its schema_migrations table does not exist. Changes nothing. */
export async function readSchemaVersion(pool: Pool, schema: string): Promise<number> {
  quoteSchemaName(schema);
  const client = await pool.connect();
  try {
    return await readVersion(client, schema);
  } finally {
    client.release();
  }
}

/** The migration files shipped with this build, checked to be numbered 1..POSTGRES_SCHEMA_VERSION without a gap. */
export function loadMigrations(): Migration[] {
  const migrations = readdirSync(MIGRATIONS_DIRECTORY)
    .filter((fileName) => fileName.endsWith('.sql'))
    .map((fileName): Migration => {
      const match = MIGRATION_FILE_NAME.exec(fileName);
      if (!match) throw new Error(`migration file ${fileName} is not named NNN_lower_case_name.sql`);
      return {
        version: Number(match[1]),
        name: fileName.slice(0, -'.sql'.length),
        sql: readFileSync(join(MIGRATIONS_DIRECTORY, fileName), 'utf8'),
      };
    })
    .sort((left, right) => left.version - right.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migrations must be numbered 1, 2, 3… without a gap: found ${migration.name} at place ${index + 1}`);
    }
  });
  if (migrations.length !== POSTGRES_SCHEMA_VERSION) {
    throw new Error(`the migrations directory holds ${migrations.length} migrations but POSTGRES_SCHEMA_VERSION is ${POSTGRES_SCHEMA_VERSION}`);
  }
  return migrations;
}

/** Throws unless `schema` is 1-63 characters of a-z, 0-9 and _, not starting with a digit. */
export function validateSchemaName(schema: string): void {
  if (typeof schema !== 'string' || !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new RangeError(`PostgreSQL schema name must be 1-63 characters of a-z, 0-9 and _, not starting with a digit: ${String(schema)}`);
  }
}

/** Validates a schema name and returns it quoted for SQL. */
export function quoteSchemaName(schema: string): string {
  validateSchemaName(schema);
  return `"${schema}"`;
}

async function applyMigration(client: PoolClient, quotedSchema: string, migration: Migration): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL search_path TO ${quotedSchema}`);
    await client.query(migration.sql);
    await client.query(`INSERT INTO ${quotedSchema}.schema_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new Error(`migration ${migration.name} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

async function readVersion(client: PoolClient, schema: string): Promise<number> {
  const { rows } = await client.query<{ exists: boolean }>(`SELECT to_regclass(format('%I.schema_migrations', $1::text)) IS NOT NULL AS exists`, [schema]);
  if (!rows[0].exists) return 0;
  const version = await client.query<{ version: number }>(
    `SELECT coalesce(max(version), 0)::integer AS version FROM ${quoteSchemaName(schema)}.schema_migrations`,
  );
  return version.rows[0].version;
}

function migrationLockName(schema: string): string {
  return `cmx-migrate:${schema}`;
}
