/// <reference types="jest" />
// Helpers for the adapters' own *.int-spec.ts, beside the conformance suite they run.
import { spawn, type ChildProcess } from 'node:child_process';
import type { EventStore } from '../event-store.port';

/**
 * Starts an engine's testing/append-until-killed.ts under ts-node with
 * `args`, stdout and stderr piped, as EventStoreHarness.startAppenderProcess
 * wants it; `env` is added to this process's environment.
 */
export function spawnAppenderScript(script: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): ChildProcess {
  return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
}

/**
 * `open` (the store under test with some options changed), closing every
 * store it opened after each test of the describe block it is called in.
 */
export function closedAfterEachTest<Options, Store extends EventStore>(
  open: (options: Partial<Options>) => Promise<Store>,
): (options?: Partial<Options>) => Promise<Store> {
  const openStores: Store[] = [];
  afterEach(async () => {
    await Promise.all(openStores.splice(0).map((store) => store.close()));
  });
  return async (options = {}) => {
    const store = await open(options);
    openStores.push(store);
    return store;
  };
}

const EXAMPLE_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** What a block of tests needs of an engine: the setting that names it, or why it is absent. */
export type EngineAvailability = { readonly value: string } | { readonly absentBecause: string };

/** The engine named by the setting `setting` of the environment, or why it is absent. */
export function engineFromSetting(setting: string, howToSet: string): EngineAvailability {
  const value = process.env[setting]?.trim();
  return value ? { value } : { absentBecause: `${setting} is not set (${howToSet})` };
}

/** The words a skipped block's title carries, read by scripts/test-summary.js to list the reasons. */
export const SKIPPED_MARK = 'SKIPPED:';

/**
 * `body(value)` in a describe block titled `title` when the engine is there. Without it:
 * - `requiredInCi` (an engine CI provisions) and CI=true: one failing test in its place, so that a missing engine
 *   never passes unseen;
 * - otherwise the block's tests are defined and reported as skipped (jest counts each of them), under a title that
 *   says why: "<title> SKIPPED: <engine> absent, <reason>".
 */
export function describeWithEngine(engine: string, availability: EngineAvailability, title: string, body: (value: string) => void, requiredInCi = true): void {
  if ('value' in availability) {
    describe(title, () => body(availability.value));
  } else if (requiredInCi && process.env.CI === 'true') {
    describe(title, () => {
      it(`${engine} is provisioned in CI`, () => {
        throw new Error(`${availability.absentBecause}: CI=true provisions ${engine}, so its tests may not be skipped`);
      });
    });
  } else {
    describe.skip(`${title} ${SKIPPED_MARK} ${engine} absent, ${availability.absentBecause}`, () => body(''));
  }
}

/** `describeWith(DATABASE_URL)` when PostgreSQL is configured, under describeWithEngine's rule otherwise. */
export function describeOnPostgres(suite: string, what: string, describeWith: (connectionString: string) => void): void {
  const availability = engineFromSetting('DATABASE_URL', `e.g. DATABASE_URL=${EXAMPLE_DATABASE_URL}, or run npm run -s engines:up`);
  describeWithEngine('PostgreSQL', availability, `${suite} (the PostgreSQL ${what})`, describeWith);
}
