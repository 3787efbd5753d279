import { Pool } from 'pg';
import { migrate } from '@cmx/event-store';

/**
 * Tests that need an engine named by a setting of `npm run -s engines:up`.
 * Without the setting: under CI=true the test fails (CI provisions the engines);
 * elsewhere it is reported, by name and with a warning, as not run.
 */
export function engineTest(engine: string, setting: string, title: string, body: (value: string) => Promise<void>, timeoutMs = 90_000): void {
  const value = process.env[setting]?.trim();
  if (value) {
    it(title, () => body(value), timeoutMs);
    return;
  }
  const reason = `${setting} is not set: run \`npm run -s engines:up\` and export the settings it prints`;
  if (process.env.CI === 'true') {
    it(`${engine}: ${setting} must be set in CI`, () => {
      throw new Error(`${reason} (CI=true, so the ${engine} test may not be skipped)`);
    });
  } else {
    it(`${engine}: NOT RUN (${setting} not set): ${title}`, () => {
      console.warn(`${engine} test not run: ${reason}`);
    });
  }
}

/**
 * `work` on a schema of its own, made and migrated on `databaseUrl`, then dropped once `beforeDrop` (stopping the
 * processes that use it) has run, whether `work` succeeded or not.
 */
export async function inFreshSchema<T>(databaseUrl: string, work: (schema: string) => Promise<T>, beforeDrop: () => Promise<unknown> = async () => undefined): Promise<T> {
  const schema = `cmx_e2e_${process.pid}_${Date.now() % 1_000_000}`;
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    await migrate(pool, schema);
    return await work(schema);
  } finally {
    await beforeDrop();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}
