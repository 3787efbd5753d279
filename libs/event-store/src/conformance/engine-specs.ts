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
