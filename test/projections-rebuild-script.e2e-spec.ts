import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SqliteSqlDatabase } from '@cmx/read-models';
import { readModelRows } from './support/read-model-rows';
import { ExchangeClient } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, newCaseId } from './support/messages';

const HYDRA = { scope: 'operation', operations: ['OP-HYDRA-2026'] };

/** `npm run projections:rebuild -- …args` as an operator runs it, with DATA_DIR set. */
function rebuildScript(dataDir: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npm', ['run', '-s', 'projections:rebuild', '--', ...args], {
    cwd: join(__dirname, '..'),
    env: { ...process.env, DATA_DIR: dataDir, EVENT_STORE: 'sqlite' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run projections:rebuild (the operator command)', () => {
  let exchange: InProcessExchange;

  beforeAll(async () => {
    exchange = await startInProcessExchange();
    const client = new ExchangeClient(exchange.baseUrl, 'NCB-IT');
    for (let n = 0; n < 6; n++) {
      const caseId = newCaseId();
      expect((await client.post(messageOf('case.opened', { caseId, header: { distribution: HYDRA as never } }))).status).toBe(201);
      expect(
        (await client.post(messageOf('case.updated', { caseId, header: { distribution: HYDRA as never }, body: { summary: `update ${n}` } }))).status,
      ).toBe(201);
    }
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { projections } = (await client.request('GET', '/health')).body as { projections: Record<string, { checkpoint: string; head: string }> };
      if (Object.values(projections).every((lag) => lag.checkpoint === lag.head)) break;
      if (Date.now() > deadline) throw new Error('the projector did not catch up');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }, 60_000);
  afterAll(() => exchange.close());

  it('rebuilds every projection in parts while the exchange runs, with progress, to the model built live', async () => {
    const live = await readModelRows({ DATA_DIR: exchange.dataDir });

    const { code, stdout, stderr } = await rebuildScript(exchange.dataDir, ['--parts', '2']);

    expect([code, stderr]).toEqual([0, expect.stringMatching(/case-summaries .*100% 12 events .*events\/s/)]);
    expect(stdout).toMatch(/rebuilt case-summaries: 12 events in .* 2 parts\), swapped in/);
    expect(stdout).toMatch(/rebuilt boards: 12 events in .* 2 parts\), swapped in/);
    expect(await readModelRows({ DATA_DIR: exchange.dataDir })).toEqual(live);
  }, 120_000);

  it('refuses an unknown projection and a bad --parts with one line, changing nothing', async () => {
    // A rebuild moves each projection's generation: unchanged generations mean nothing was swapped in.
    const checkpoints = async () => {
      const db = SqliteSqlDatabase.open(join(exchange.dataDir, 'read-models.sqlite'));
      try {
        return await db.query('SELECT projection, position, generation FROM projection_checkpoints ORDER BY projection');
      } finally {
        await db.close();
      }
    };
    const checkpointsBefore = await checkpoints();
    expect(checkpointsBefore).toHaveLength(2);

    const unknown = await rebuildScript(exchange.dataDir, ['summaries']);
    const badParts = await rebuildScript(exchange.dataDir, ['--parts', 'many']);

    expect([unknown.code, unknown.stderr.trim()]).toEqual([1, 'projections:rebuild: no projection summaries; the projections are case-summaries, boards']);
    expect([badParts.code, badParts.stderr.trim()]).toEqual([1, 'projections:rebuild: --parts needs a whole number from 1 to 64']);
    expect(await checkpoints()).toEqual(checkpointsBefore);
  }, 60_000);
});
