import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXCHANGE_MAIN, serviceMain, startExchangeProcess } from './support/service-process';

describe('start-up settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmx-settings-'));
  const badParties = join(dir, 'parties.json');
  writeFileSync(badParties, JSON.stringify({ parties: [{ code: 'NCB-IT', kind: 'bureau', apiKeys: ['plain-text-key'] }] }));
  const notAKey = join(dir, 'not-a-key.pem');
  writeFileSync(notAKey, 'not a key');

  /** Runs a built service with the machine's environment less any audit key setting, plus `env`. */
  const run = (main: string, env: Record<string, string>) => {
    const { AUDIT_SIGNING_KEY_FILE: _ignored, ...machine } = process.env;
    return spawnSync(process.execPath, [main], { env: { ...machine, DATA_DIR: dir, ...env }, encoding: 'utf8', timeout: 20_000 });
  };

  it.each([
    [{ PORT: 'abc' }, 'config error: PORT=abc is not valid'],
    [{ LOG_LEVEL: 'loud' }, 'config error: LOG_LEVEL=loud is not valid'],
    [{ GRPC_PORT: '70000' }, 'config error: GRPC_PORT=70000 is not valid'],
    [{ EXCHANGE_BACKGROUND: 'thread' }, 'config error: EXCHANGE_BACKGROUND=thread is not valid'],
    [{ EVENT_STORE: 'mongo' }, 'config error: EVENT_STORE=mongo is not valid'],
    [{ RATE_LIMIT_PER_SECOND: '-1' }, 'config error: RATE_LIMIT_PER_SECOND=-1 is not valid'],
    [{ CASE_EXCHANGE_PARTIES: join(dir, 'missing.json') }, 'config error: CASE_EXCHANGE_PARTIES='],
    [{ CASE_EXCHANGE_PARTIES: badParties }, 'apiKeys[0] must be sha256:'],
    [{ AUDIT_LOG: 'maybe' }, 'config error: AUDIT_LOG=maybe is not valid'],
    [{ AUDIT_CHECKPOINT_ENTRIES: '0' }, 'config error: AUDIT_CHECKPOINT_ENTRIES=0 is not valid'],
    [{ AUDIT_SIGNING_KEY_FILE: join(dir, 'missing.pem') }, `config error: AUDIT_SIGNING_KEY_FILE=${join(dir, 'missing.pem')} does not exist`],
    [{ AUDIT_SIGNING_KEY_FILE: notAKey }, 'is not an Ed25519 private key in PEM'],
    [{ NODE_ENV: 'production' }, 'config error: AUDIT_SIGNING_KEY_FILE is missing'],
  ])('stops the process with one line naming the bad setting: %j', (env, line) => {
    const result = run(EXCHANGE_MAIN, env);
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(line);
  });

  it.each(['gateway', 'query', 'dispatcher'] as const)('a %s started alone refuses to start without AUDIT_SIGNING_KEY_FILE, making no key', (service) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cmx-settings-alone-'));
    const result = run(serviceMain(service), { DATA_DIR: dataDir });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining('config error: AUDIT_SIGNING_KEY_FILE is missing')]);
    expect(existsSync(join(dataDir, 'audit-signing-key.pem'))).toBe(false);
  });

  it('the embedded default makes its signing key under DATA_DIR on first start, readable by its owner only, and keeps it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cmx-settings-embedded-'));
    const keyFile = join(dataDir, 'audit-signing-key.pem');
    const first = await startExchangeProcess({ DATA_DIR: dataDir, AUDIT_SIGNING_KEY_FILE: '' });
    await first.stop();
    expect(first.output()).toContain(`made a new audit signing key at ${keyFile}`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const made = statSync(keyFile).mtimeMs;

    const second = await startExchangeProcess({ DATA_DIR: dataDir, AUDIT_SIGNING_KEY_FILE: '' });
    await second.stop();
    expect(second.output()).not.toContain('made a new audit signing key');
    expect(statSync(keyFile).mtimeMs).toBe(made);
  }, 60_000);
});
