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

/**
 * `describeWith(DATABASE_URL)` when PostgreSQL is configured. Without it, a test named `NOT RUN: …` says why; under
 * CI=true (which provisions PostgreSQL) a failing one does, so that a missing engine never passes unseen.
 */
export function describeOnPostgres(suite: string, what: string, describeWith: (connectionString: string) => void): void {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    describeWith(databaseUrl);
  } else if (process.env.CI === 'true') {
    describe(suite, () => {
      it('runs on PostgreSQL in CI', () => {
        throw new Error(`DATABASE_URL is not set: CI must run the PostgreSQL ${what} tests (e.g. DATABASE_URL=${EXAMPLE_DATABASE_URL})`);
      });
    });
  } else {
    const reason = `DATABASE_URL is not set (e.g. DATABASE_URL=${EXAMPLE_DATABASE_URL}, or run npm run -s engines:up)`;
    describe(suite, () => {
      it(`NOT RUN: ${reason}`, () => console.warn(`${suite} tests not run: ${reason}`));
    });
  }
}
