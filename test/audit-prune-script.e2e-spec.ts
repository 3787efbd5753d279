import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditSigner, readOrCreateSigningKey, SqliteAuditLog, type AuditRecord } from '@cmx/audit';

const DAY_MS = 86_400_000;

const record = (n: number): AuditRecord => ({
  operation: 'consult',
  party: 'NCB-IT',
  keyId: '0123456789abcdef',
  onBehalfOf: null,
  purpose: `check ${n}`,
  channel: 'http',
  cases: [{ caseId: 'IT-2026-000001', messageIds: [] }],
  recipients: [],
  requestId: `req-${n}`,
});

/** npm run audit:prune and audit:verify as an operator runs them, on an embedded log written over the last five years. */
describe('npm run audit:prune', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cmx-audit-prune-'));
  const run = (script: string, args: string[] = [], env: Record<string, string> = {}) =>
    spawnSync('npm', ['run', '-s', script, ...(args.length > 0 ? ['--', ...args] : [])], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, DATA_DIR: dataDir, AUDIT_SIGNING_KEY_FILE: '', DATABASE_URL: '', EVENT_STORE: 'sqlite', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  beforeAll(async () => {
    const { key } = readOrCreateSigningKey(join(dataDir, 'audit-signing-key.pem'));
    const log = SqliteAuditLog.open(join(dataDir, 'deliveries.sqlite'), { signer: auditSigner(key), everyEntries: 10, everyMs: 365 * DAY_MS });
    // 50 entries, one every 30 days from 5 years ago: checkpoints every 10 entries (the first append's included).
    for (let n = 0; n < 50; n++) await log.append([record(n + 1)], new Date(Date.now() - (5 * 365 - 30 * n) * DAY_MS));
    await log.close();
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('removes, through the newest checkpoint older than AUDIT_RETENTION_DAYS, the entries before it; what is left still verifies', () => {
    const before = run('audit:verify');
    expect(before.stdout).toMatch(/^verified 50 entries up to [0-9a-f]{64}/);

    const dryRun = run('audit:prune', ['--dry-run']);
    expect(dryRun.status).toBe(0);
    // Checkpoints at entries 1, 11, 21, 31, 41; entry 21 is 5 × 365 − 600 = 1,225 days old, entry 31 925: with 1,095 days, through 21.
    expect(dryRun.stdout.trim()).toMatch(/^audit:prune: would remove 21 entries through the checkpoint at 21, older than 1095 days/);
    expect(run('audit:verify').stdout).toMatch(/^verified 50 entries/);

    const pruned = run('audit:prune');
    expect(pruned.status).toBe(0);
    expect(pruned.stdout.trim()).toMatch(/^audit:prune: removed 21 entries through the checkpoint at 21/);

    const after = run('audit:verify');
    expect(after.status).toBe(0);
    expect(after.stdout).toContain('entries 1 to 21 are not in the log (removed by audit:prune, or otherwise)');
    expect(after.stdout).toContain(`verified 29 entries from 22 up to ${/up to ([0-9a-f]{64})/.exec(before.stdout)![1]}`);

    const strict = run('audit:verify', ['--from', '1']);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toMatch(/^audit log does not verify: entry 1 is missing/);
    expect(run('audit:prune').stdout.trim()).toMatch(/^audit:prune: removed 0 entries through the checkpoint at 21/);
  }, 120_000);

  it('refuses unknown arguments and a missing log, with exit codes 2 and 1', () => {
    expect(run('audit:prune', ['--all']).status).toBe(2);
    const missing = run('audit:prune', [], { DATA_DIR: join(dataDir, 'nothing-here') });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('audit:prune: no audit log at');
  }, 60_000);
});
