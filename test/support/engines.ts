import { Pool } from 'pg';
import { migrate } from '@cmx/event-store';
import { describeWithEngine, engineFromSetting } from '@cmx/event-store/conformance';

const HOW_TO_SET = 'run `npm run -s engines:up` and export the settings it prints';

/**
 * A test that needs the engine named by a setting of `npm run -s engines:up`. Without the setting: under CI=true
 * (which provisions the engines) the test fails; elsewhere it is reported as skipped, with why.
 */
export function engineTest(
  engine: string,
  settings: string | readonly string[],
  title: string,
  body: (value: string) => Promise<void>,
  timeoutMs = 90_000,
): void {
  describeWithEngineSetting(engine, settings, `${engine}:`, (value) => it(title, () => body(value), timeoutMs));
}

/**
 * A describe block whose tests need the engines named by `settings` (all of them), under engineTest's rule; `body` is
 * given the first setting's value.
 */
export function describeWithEngineSetting(engine: string, settings: string | readonly string[], title: string, body: (value: string) => void): void {
  const [first, ...others] = typeof settings === 'string' ? [settings] : settings;
  const missing = others.filter((setting) => !process.env[setting]?.trim());
  const availability = missing.length > 0 ? { absentBecause: `${missing.join(' and ')} not set (${HOW_TO_SET})` } : engineFromSetting(first, HOW_TO_SET);
  describeWithEngine(engine, availability, title, body);
}

/**
 * `work` on a schema of its own, made and migrated on `databaseUrl`, then dropped once `beforeDrop` (stopping the
 * processes that use it) has run, whether `work` succeeded or not.
 */
export async function inFreshSchema<T>(
  databaseUrl: string,
  work: (schema: string) => Promise<T>,
  beforeDrop: () => Promise<unknown> = async () => undefined,
): Promise<T> {
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
