import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ScriptRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `npm run -s <script> [-- args]` from the repository, as an operator runs it: the test process's settings named in
 * `unset` are left out, so that only `env` points the script at an exchange's files.
 */
export function runNpmScript(
  script: string,
  {
    args = [],
    env = {},
    unset = [],
    timeoutMs = 60_000,
  }: { args?: readonly string[]; env?: Record<string, string>; unset?: readonly string[]; timeoutMs?: number },
): Promise<ScriptRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !unset.includes(name))) as Record<string, string>;
  const child = spawn('npm', ['run', '-s', script, ...(args.length > 0 ? ['--', ...args] : [])], {
    cwd: join(__dirname, '../..'),
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not end within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
