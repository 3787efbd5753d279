/**
 * Where the EventStoreDB integration tests find a server, decided before any
 * test is defined:
 *   1. ESDB_CONNECTION_STRING, when set (e.g. esdb://localhost:2113?tls=false);
 *   2. otherwise a throw-away KurrentDB container through Testcontainers, when
 *      the `testcontainers` package is installed and a Docker engine is there;
 *   3. otherwise nowhere: the suite says it did not run, and why.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Kurrent's own LTS image (docs.kurrent.io, "Installation" → Docker); ESDB_TEST_IMAGE overrides it. */
export const DEFAULT_KURRENTDB_TEST_IMAGE = 'docker.kurrent.io/kurrent-lts/kurrentdb:lts';
const NODE_PORT = 2113;

export type EventStoreDbTestServerPlan =
  | { readonly kind: 'connection-string'; readonly connectionString: string }
  | { readonly kind: 'testcontainers'; readonly image: string; readonly dockerEngine: string }
  | { readonly kind: 'not-run'; readonly reason: string };

export function planEventStoreDbTestServer(env: NodeJS.ProcessEnv = process.env): EventStoreDbTestServerPlan {
  const connectionString = env.ESDB_CONNECTION_STRING?.trim();
  if (connectionString) return { kind: 'connection-string', connectionString };
  const dockerEngine = findDockerEngine(env);
  const testcontainersInstalled = isInstalled('testcontainers');
  if (dockerEngine && testcontainersInstalled) {
    return { kind: 'testcontainers', image: env.ESDB_TEST_IMAGE?.trim() || DEFAULT_KURRENTDB_TEST_IMAGE, dockerEngine };
  }
  const reasons = ['no ESDB_CONNECTION_STRING'];
  if (!dockerEngine) reasons.push('no Docker engine');
  if (!testcontainersInstalled) reasons.push(dockerEngine ? 'the testcontainers package is not installed' : 'testcontainers is not installed either');
  return { kind: 'not-run', reason: joinReasons(reasons) };
}

export interface StartedEventStoreDbServer {
  readonly connectionString: string;
  stop(): Promise<void>;
}

/** Starts an insecure single-node KurrentDB (or EventStoreDB, by image name) and waits for its health check. */
export async function startEventStoreDbContainer(image: string): Promise<StartedEventStoreDbServer> {
  // Not a literal import: testcontainers is optional, and the project must compile without it.
  const moduleName = 'testcontainers';
  const { GenericContainer, Wait } = (await import(moduleName)) as TestcontainersModule;
  // KurrentDB 25+ reads KURRENTDB_* settings; EventStoreDB images before it read EVENTSTORE_*.
  const prefix = /eventstore/i.test(image) && !/kurrent/i.test(image) ? 'EVENTSTORE' : 'KURRENTDB';
  const container = await new GenericContainer(image)
    .withEnvironment({
      [`${prefix}_INSECURE`]: 'true',
      [`${prefix}_RUN_PROJECTIONS`]: 'None',
      [`${prefix}_START_STANDARD_PROJECTIONS`]: 'false',
      [`${prefix}_CLUSTER_SIZE`]: '1',
    })
    .withExposedPorts(NODE_PORT)
    // The image's own HEALTHCHECK curls /health/live.
    .withWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(180_000)
    .start();
  return {
    connectionString: `esdb://${container.getHost()}:${container.getMappedPort(NODE_PORT)}?tls=false`,
    stop: async () => {
      await container.stop();
    },
  };
}

/** The part of the testcontainers API used here (11.x and 12.x). */
interface TestcontainersModule {
  readonly GenericContainer: new (image: string) => GenericContainerLike;
  readonly Wait: { forHealthCheck(): unknown };
}

interface GenericContainerLike {
  withEnvironment(environment: Record<string, string>): GenericContainerLike;
  withExposedPorts(...ports: number[]): GenericContainerLike;
  withWaitStrategy(waitStrategy: unknown): GenericContainerLike;
  withStartupTimeout(startupTimeoutMs: number): GenericContainerLike;
  start(): Promise<{ getHost(): string; getMappedPort(port: number): number; stop(): Promise<unknown> }>;
}

/** The Docker (or Podman) engine endpoint Testcontainers would use, if one is visible. */
function findDockerEngine(env: NodeJS.ProcessEnv): string | undefined {
  if (env.DOCKER_HOST?.trim()) return env.DOCKER_HOST.trim();
  const runtimeDir = env.XDG_RUNTIME_DIR;
  const candidates = [
    '/var/run/docker.sock',
    join(homedir(), '.docker', 'run', 'docker.sock'),
    join(homedir(), '.docker', 'desktop', 'docker.sock'),
    ...(runtimeDir ? [join(runtimeDir, 'docker.sock'), join(runtimeDir, 'podman', 'podman.sock')] : []),
    '/run/podman/podman.sock',
  ];
  return candidates.find((socket) => existsSync(socket));
}

function isInstalled(packageName: string): boolean {
  try {
    require.resolve(packageName);
    return true;
  } catch {
    return false;
  }
}

function joinReasons(reasons: readonly string[]): string {
  if (reasons.length <= 2) return reasons.join(' and ');
  return `${reasons.slice(0, 2).join(' and ')}; ${reasons.slice(2).join('; ')}`;
}
