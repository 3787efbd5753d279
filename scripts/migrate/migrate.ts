/**
 * npm run migrate: creates or upgrades the PostgreSQL schema of the event store.
 *   DATABASE_URL=postgres://… [DATABASE_SCHEMA=cmx] npm run migrate
 * Prints one line per migration applied and `schema <name> at version N`;
 * exits 1 with one line when a setting is missing, the database is
 * unreachable or a migration fails.
 */
import { Pool } from 'pg';
import { DEFAULT_POSTGRES_SCHEMA, migrate, validateSchemaName } from '@cmx/event-store/postgres';

const CONNECT_TIMEOUT_MS = 10_000;

async function main(): Promise<number> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('migrate: DATABASE_URL is not set (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres)');
    return 1;
  }
  const schema = process.env.DATABASE_SCHEMA || DEFAULT_POSTGRES_SCHEMA;
  try {
    validateSchemaName(schema);
  } catch (error) {
    console.error(`migrate: DATABASE_SCHEMA: ${describeError(error)}`);
    return 1;
  }
  const target = describeDatabase(databaseUrl);
  if (target === undefined) {
    console.error('migrate: DATABASE_URL is not a postgres:// URL');
    return 1;
  }

  const pool = new Pool({ connectionString: databaseUrl, max: 1, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  pool.on('error', () => undefined);
  try {
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      console.error(`migrate: cannot connect to PostgreSQL at ${target}: ${describeError(error)}`);
      return 1;
    }
    try {
      const { applied, version } = await migrate(pool, schema);
      for (const migration of applied) console.log(`applied ${migration.name}`);
      console.log(`schema ${schema} at version ${version}`);
      return 0;
    } catch (error) {
      console.error(`migrate: schema ${schema} at ${target}: ${describeError(error)}`);
      return 1;
    }
  } finally {
    await pool.end();
  }
}

/** host:port/database, without the credentials. */
function describeDatabase(databaseUrl: string): string | undefined {
  try {
    const url = new URL(databaseUrl);
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return undefined;
    return `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return undefined;
  }
}

/** Connection failures to several addresses come as an AggregateError with an empty message. */
function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeError(error.errors[0]);
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name;
  return String(error);
}

main().then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    console.error(`migrate: ${describeError(error)}`);
    process.exitCode = 1;
  },
);
