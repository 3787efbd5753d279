import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
    [
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      join(__dirname, entry),
    ],
    { env: { ...process.env, ...env, TS_NODE_PROJECT: join(__dirname, '../tsconfig.json') }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: string) => {
      output += chunk;
      if (!output.includes('listening')) return;
      // From here its log (LOG_LEVEL=info: a line a request) is drained unread, as cheaply as the pipe allows.
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      resolve();
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
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

/** Like argument(), but 0 is allowed (a phase turned off). */
export function countArgument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number ≥ 0`);
  return value;
}

/** USER_HZ, the unit of /proc/<pid>/stat times: 100 on Linux. */
const CLOCK_TICKS = 100;

/** CPU time (user + system, every thread) a process has used, in ms. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** Ends a server started by startServer and waits for its exit (SIGTERM: the shutdown hooks close the stores; SIGUSR2 for bench-server.ts exits at once, writing a --cpu-prof profile). */
export async function stopServer(server: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill(signal);
  await exited;
}

export const mean = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0) / Math.max(1, values.length);

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The value at quantile q of ascending `sorted` values (nearest rank below). */
export const percentile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** The children of each process, from /proc/<pid>/stat (the kernels without /proc/<pid>/task/<tid>/children too). */
function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const parent = Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  return children;
}

/** A process and its descendants (children, their children, …): the process first. */
export function processTree(pid: number): number[] {
  const children = childrenByParent();
  const tree = [pid];
  for (let index = 0; index < tree.length; index += 1) tree.push(...(children.get(tree[index]) ?? []));
  return tree;
}

/** The RSS of a process and of each of its descendants (MiB, the process first) and their sum; processes that end meanwhile are left out. */
export function treeRssMiB(pid: number): { total: number; each: Array<{ pid: number; mib: number }> } {
  const each: Array<{ pid: number; mib: number }> = [];
  for (const member of processTree(pid)) {
    try {
      const mib = rssMiB(member);
      if (Number.isFinite(mib)) each.push({ pid: member, mib });
    } catch {
      // ended meanwhile
    }
  }
  return { total: each.reduce((sum, { mib }) => sum + mib, 0), each };
}

/** CPU time (ms, user + system, every thread) of a process and of each of its descendants, by pid. */
export function treeCpuMs(pid: number): Map<number, number> {
  const times = new Map<number, number>();
  for (const member of processTree(pid)) {
    try {
      times.set(member, cpuMs(member));
    } catch {
      // ended meanwhile
    }
  }
  return times;
}

/**
 * The CPU time (ms) a process tree used between two treeCpuMs() readings: the process's own and its descendants'
 * (a descendant that started meanwhile counts from 0; one that ended meanwhile only up to the first reading).
 */
export function treeCpuDelta(pid: number, before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): { main: number; descendants: number } {
  let descendants = 0;
  for (const [member, ms] of after) if (member !== pid) descendants += ms - (before.get(member) ?? 0);
  return { main: (after.get(pid) ?? 0) - (before.get(pid) ?? 0), descendants };
}
