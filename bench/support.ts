import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}`;
}

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kib / 1024;
}

/** Starts a TypeScript entry point of this repository in its own process and waits for `listening <port>` on stdout. */
export async function startServer(entry: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(__dirname, entry)],
    { env: { ...process.env, ...env, TS_NODE_PROJECT: join(__dirname, '../tsconfig.json') }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes('listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}: ${output}`)));
  });
  return child;
}

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

/**
 * A `data` listener (utf8 chunks) for a server-sent-events response: counts the `id:` lines across chunk
 * boundaries and, after each chunk that held one, reports the running count and the last id.
 */
export function sseIdCounter(onIds: (count: number, lastId: string) => void): (chunk: string) => void {
  let count = 0;
  let tail = '';
  return (chunk) => {
    const text = tail + chunk;
    let start = 0;
    let lastId: string | undefined;
    for (let index = text.indexOf('\nid: '); index !== -1; index = text.indexOf('\nid: ', start)) {
      const idEnd = text.indexOf('\n', index + 5);
      if (idEnd === -1) break;
      count += 1;
      lastId = text.slice(index + 5, idEnd);
      start = idEnd;
    }
    tail = text.slice(Math.max(start, text.length - 64));
    if (lastId !== undefined) onIds(count, lastId);
  };
}
