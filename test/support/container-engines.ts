/**
 * Jest globalSetup and globalTeardown (both wired to this file in jest.config.js): where a Docker engine
 * answers and KAFKA_BROKERS and/or DATABASE_URL are not set, starts the missing engines with
 * Testcontainers and sets the settings for the run; the teardown stops them and unsets the settings.
 *
 * - Both settings set (e.g. by `eval "$(npm run -s engines:up)"`, as CI does): returns at once.
 * - No Docker engine answers: does nothing, as before; one short line if neither setting is set.
 * - CMX_TESTCONTAINERS=off (or 0, false): does nothing.
 *
 * Jest takes one default-exported function per hook, so the single default export below is the setup
 * on its first call of a run and the teardown on its second (the state lives on globalThis).
 * testcontainers is loaded only once an engine has answered, so runs without Docker stay fast.
 */
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { StartedTestContainer } from 'testcontainers';

/** confluentinc/cp-kafka in KRaft mode: the image @testcontainers/kafka 11 drives (its `connectKraft` example). */
export const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.1';
export const POSTGRES_IMAGE = 'postgres:15';
const POSTGRES_DATABASE = 'cmx';
const PING_TIMEOUT_MS = 1_500;
/** For DOCKER_HOST forms this file does not ping itself (TLS, ssh://, npipe://, ~/.testcontainers.properties). */
const RUNTIME_DETECTION_TIMEOUT_MS = 10_000;

const STATE = Symbol.for('cmx.test.container-engines');
interface State {
  readonly containers: StartedTestContainer[];
  /** The settings this setup set, to unset in the teardown (so a watch-mode rerun starts afresh). */
  readonly settings: string[];
}
type GlobalWithState = typeof globalThis & { [STATE]?: State };

export default async function containerEngines(): Promise<void> {
  const global = globalThis as GlobalWithState;
  const state = global[STATE];
  if (state) {
    delete global[STATE];
    await teardown(state);
  } else {
    global[STATE] = await setup();
  }
}

async function setup(): Promise<State> {
  const state: State = { containers: [], settings: [] };
  const needKafka = !process.env.KAFKA_BROKERS?.trim();
  const needPostgres = !process.env.DATABASE_URL?.trim();
  if (!needKafka && !needPostgres) return state;
  if (/^(off|0|false|no)$/i.test(process.env.CMX_TESTCONTAINERS?.trim() ?? '')) return state;

  const docker = await dockerAnswers();
  if (!docker) {
    if (needKafka && needPostgres) say('no Docker engine answered; KAFKA_BROKERS and DATABASE_URL are not set (npm run -s engines:up)');
    return state;
  }

  const [{ KafkaContainer }, { PostgreSqlContainer }] = await Promise.all([import('@testcontainers/kafka'), import('@testcontainers/postgresql')]);
  const started: string[] = [];
  const failed: string[] = [];
  await Promise.all([
    needKafka &&
      start('Kafka', async () => {
        const kafka = await new KafkaContainer(KAFKA_IMAGE)
          .withKraft()
          // As scripts/engines/kafka/server.properties.template: topics are created explicitly.
          .withEnvironment({
            KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
            KAFKA_NUM_PARTITIONS: '3',
            KAFKA_DEFAULT_REPLICATION_FACTOR: '1',
            KAFKA_MIN_INSYNC_REPLICAS: '1',
            KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
          })
          .start();
        state.containers.push(kafka);
        return { setting: 'KAFKA_BROKERS', value: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`, image: KAFKA_IMAGE };
      }),
    needPostgres &&
      start('PostgreSQL', async () => {
        const postgres = await new PostgreSqlContainer(POSTGRES_IMAGE)
          .withDatabase(POSTGRES_DATABASE)
          .withUsername('postgres')
          .withPassword('postgres')
          .start();
        state.containers.push(postgres);
        return { setting: 'DATABASE_URL', value: postgres.getConnectionUri(), image: POSTGRES_IMAGE };
      }),
  ]);
  if (started.length > 0) say(`from Testcontainers: ${started.join(', ')}`);
  if (failed.length > 0) say(`Docker answered but not started: ${failed.join('; ')}`);
  return state;

  async function start(engine: string, run: () => Promise<{ setting: string; value: string; image: string }>): Promise<void> {
    try {
      const { setting, value, image } = await run();
      process.env[setting] = value;
      state.settings.push(setting);
      started.push(`${engine} (${image}) ${setting}=${value}`);
    } catch (error) {
      failed.push(`${engine} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
}

async function teardown(state: State): Promise<void> {
  for (const setting of state.settings) delete process.env[setting];
  const results = await Promise.allSettled(state.containers.map((container) => container.stop()));
  const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failures.length > 0) say(`could not stop ${failures.length} container(s): ${failures.map((f) => String(f.reason)).join('; ')}`);
}

function say(line: string): void {
  process.stderr.write(`\ncontainer engines: ${line}\n`);
}

type Endpoint = { socketPath: string } | { host: string; port: number };

/**
 * Whether a Docker engine answers, tried where testcontainers looks: DOCKER_HOST, /var/run/docker.sock,
 * then the rootless and Docker Desktop sockets. With none of them (this is the no-Docker case) it
 * answers false without a single syscall beyond `existsSync`, and without loading testcontainers.
 */
async function dockerAnswers(): Promise<boolean> {
  const endpoints: Endpoint[] = [];
  let askTestcontainers = existsSync(join(homedir(), '.testcontainers.properties')) || process.platform === 'win32';
  const dockerHost = process.env.DOCKER_HOST?.trim();
  if (dockerHost) {
    const endpoint = plainEndpoint(dockerHost);
    if (endpoint) endpoints.push(endpoint);
    else askTestcontainers = true;
  }
  if (process.platform === 'linux' || process.platform === 'darwin') {
    const sockets = [
      '/var/run/docker.sock',
      process.env.XDG_RUNTIME_DIR ? join(process.env.XDG_RUNTIME_DIR, 'docker.sock') : undefined,
      join(homedir(), '.docker', 'run', 'docker.sock'),
      join(homedir(), '.docker', 'desktop', 'docker.sock'),
      join('/run', 'user', String(userInfo().uid), 'docker.sock'),
    ];
    for (const socketPath of sockets) if (socketPath && existsSync(socketPath)) endpoints.push({ socketPath });
  }
  for (const endpoint of endpoints) if (await ping(endpoint)) return true;
  return askTestcontainers && (await testcontainersFindsRuntime());
}

/** unix:// and plain tcp:// (or http://) DOCKER_HOST values; others (TLS, ssh, npipe) are left to testcontainers. */
function plainEndpoint(dockerHost: string): Endpoint | undefined {
  let url: URL;
  try {
    url = new URL(dockerHost);
  } catch {
    return undefined;
  }
  if (url.protocol === 'unix:') return { socketPath: url.pathname };
  const tls = process.env.DOCKER_TLS_VERIFY !== undefined || process.env.DOCKER_CERT_PATH !== undefined;
  if ((url.protocol === 'tcp:' || url.protocol === 'http:') && !tls && url.hostname) {
    return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || 2375) };
  }
  return undefined;
}

function ping(endpoint: Endpoint): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ ...endpoint, path: '/_ping', method: 'GET', agent: false, timeout: PING_TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function testcontainersFindsRuntime(): Promise<boolean> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), RUNTIME_DETECTION_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([
      getContainerRuntimeClient().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
