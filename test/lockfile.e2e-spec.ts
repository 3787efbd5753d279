import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const REPOSITORY = join(__dirname, '..');
/** Where the project is installed: CI and the Dockerfile (linux), developers' machines (macOS, Windows). */
const PLATFORMS = [
  { os: 'linux', cpu: 'x64' },
  { os: 'linux', cpu: 'arm64' },
  { os: 'darwin', cpu: 'arm64' },
  { os: 'darwin', cpu: 'x64' },
  { os: 'win32', cpu: 'x64' },
] as const;

/**
 * `npm ci` refuses a lockfile that lacks a package some platform would install (npm 11 once wrote one without
 * the other platforms' optional binaries: "Missing: @unrs/resolver-binding-darwin-arm64 from lock file").
 * A dry run as each platform reads the lockfile and plans the install without fetching anything.
 */
describe('the lockfile', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'cmx-lockfile-'));
    for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(REPOSITORY, file), join(directory, file));
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it.each(PLATFORMS)(
    'is accepted by npm ci on $os $cpu',
    async ({ os, cpu }) => {
      const run = await promisify(execFile)('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund', `--os=${os}`, `--cpu=${cpu}`], {
        cwd: directory,
        env: { ...process.env, npm_config_loglevel: 'error' },
      }).catch((error: { stderr?: string }) => ({ stdout: '', stderr: error.stderr ?? String(error), refused: true }));
      expect({ refused: 'refused' in run, stderr: 'refused' in run ? run.stderr : '' }).toEqual({ refused: false, stderr: '' });
    },
    60_000,
  );
});
