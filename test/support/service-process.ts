import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { testSigningKeyFile } from './audit-signing-key';
import { freePort } from './free-port';

export type ServiceName = 'exchange' | 'gateway' | 'query' | 'dispatcher' | 'projector';

export const serviceMain = (service: ServiceName): string => join(__dirname, `../../dist/apps/${service}/src/main.js`);
export const EXCHANGE_MAIN = serviceMain('exchange');

export interface ServiceProcess {
  readonly baseUrl: string;
  /** host:port of its gRPC server (GRPC_PORT). */
  readonly grpcAddress: string;
  readonly child: ChildProcess;
  /** stdout and stderr as they came. */
  output(): string;
  /** stdout alone: the JSON log lines. */
  stdout(): string;
  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a built service (`npm run build` first) and waits until its /health answers 200.
 * A port found free can be taken by another process before the service binds it (an outgoing
 * connection's ephemeral port, another worker's service): then it starts again on fresh ports.
 */
export async function startServiceProcess(service: ServiceName, env: Record<string, string>): Promise<ServiceProcess> {
  const main = serviceMain(service);
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnFreshPorts(service, main, env);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === 5) throw error;
    }
  }
}

class PortTakenError extends Error {}

async function startOnFreshPorts(service: ServiceName, main: string, env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  let grpcPort = await freePort();
  while (grpcPort === port) grpcPort = await freePort();
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, AUDIT_SIGNING_KEY_FILE: testSigningKeyFile(), ...env, PORT: String(port), GRPC_PORT: String(grpcPort), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      const message = `${service} exited with ${child.exitCode}:\n${output}`;
      throw output.includes('EADDRINUSE') ? new PortTakenError(message) : new Error(message);
    }
    try {
      if ((await fetch(`${baseUrl}/health`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${service} did not become healthy within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return {
    baseUrl,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    child,
    output: () => output,
    stdout: () => stdout,
    kill9: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
  };
}

export const startExchangeProcess = (env: Record<string, string>) => startServiceProcess('exchange', env);

export interface KilledWhile<T> {
  readonly result: T;
  /** The last instance started, still running. */
  readonly survivor: ServiceProcess;
  readonly kills: number;
}

/**
 * Runs `work` while a service is killed with SIGKILL at random points (every
 * `minMs` to `minMs + spreadMs`) and started again, as a supervisor would;
 * at least `minKills` times, even when the work ends sooner (a fast machine).
 */
export async function whileKillingRepeatedly<T>(
  service: ServiceName,
  env: Record<string, string>,
  random: () => number,
  pause: { readonly minMs: number; readonly spreadMs: number; readonly minKills: number },
  work: () => Promise<T>,
): Promise<KilledWhile<T>> {
  let current = await startServiceProcess(service, env);
  let kills = 0;
  let working = true;
  const killer = (async () => {
    while (working || kills < pause.minKills) {
      await new Promise((resolve) => setTimeout(resolve, pause.minMs + random() * pause.spreadMs));
      await current.kill9();
      kills += 1;
      current = await startServiceProcess(service, env);
    }
  })();
  let result: T;
  try {
    result = await work();
  } finally {
    working = false;
    await killer;
  }
  return { result, survivor: current, kills };
}
