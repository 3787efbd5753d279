import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXCHANGE_MAIN } from './support/service-process';

describe('start-up settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmx-settings-'));
  const badParties = join(dir, 'parties.json');
  writeFileSync(badParties, JSON.stringify({ parties: [{ code: 'NCB-IT', kind: 'bureau', apiKeys: ['plain-text-key'] }] }));

  it.each([
    [{ PORT: 'abc' }, 'config error: PORT=abc is not valid'],
    [{ EVENT_STORE: 'mongo' }, 'config error: EVENT_STORE=mongo is not valid'],
    [{ RATE_LIMIT_PER_SECOND: '-1' }, 'config error: RATE_LIMIT_PER_SECOND=-1 is not valid'],
    [{ CASE_EXCHANGE_PARTIES: join(dir, 'missing.json') }, 'config error: CASE_EXCHANGE_PARTIES='],
    [{ CASE_EXCHANGE_PARTIES: badParties }, 'apiKeys[0] must be sha256:'],
  ])('stops the process with one line naming the bad setting: %j', (env, line) => {
    const run = spawnSync(process.execPath, [EXCHANGE_MAIN], { env: { ...process.env, DATA_DIR: dir, ...env }, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(line);
  });
});
