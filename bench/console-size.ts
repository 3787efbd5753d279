/**
 * npm run bench:console [-- --dir dist/console]
 *
 * What a browser downloads to show the coordinators' console the first time: the built index.html and every
 * script, module preload and style sheet it names (not the chunks a view might import later), each as built and
 * gzipped at level 9, as the query process serves them. Run `npm run build` first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEFAULT_CONSOLE_DIR } from '@cmx/platform/config/exchange-config';

export interface ConsoleFileSize {
  /** The path the browser asks for, e.g. /console/assets/index-abc.js. */
  readonly path: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface ConsoleFirstLoad {
  readonly files: ConsoleFileSize[];
  readonly totalBytes: number;
  readonly totalGzipBytes: number;
}

/** The console is served under this path; the index names its files under it. */
const CONSOLE_PATH = '/console/';
/** First load (HTML + JS + CSS) compressed, at most (issue 13). */
export const FIRST_LOAD_BUDGET_GZIP_BYTES = 500 * 1024;

export async function consoleFirstLoad(directory: string = DEFAULT_CONSOLE_DIR): Promise<ConsoleFirstLoad> {
  const indexFile = join(directory, 'index.html');
  if (!existsSync(indexFile)) throw new Error(`${indexFile} is missing: run \`npm run build\` first`);
  const index = readFileSync(indexFile);
  const files = [sizeOf(CONSOLE_PATH, index)];
  for (const path of filesNamedBy(index.toString('utf8'))) {
    if (!path.startsWith(CONSOLE_PATH)) throw new Error(`index.html names ${path}, outside ${CONSOLE_PATH}`);
    files.push(sizeOf(path, readFileSync(join(directory, path.slice(CONSOLE_PATH.length)))));
  }
  return {
    files,
    totalBytes: files.reduce((total, file) => total + file.bytes, 0),
    totalGzipBytes: files.reduce((total, file) => total + file.gzipBytes, 0),
  };
}

/** The scripts, module preloads and style sheets an index.html loads, in its order. */
export function filesNamedBy(html: string): string[] {
  const paths: string[] = [];
  for (const [tag] of html.matchAll(/<(script|link)\b[^>]*>/gi)) {
    const attribute = (name: string) => new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`, 'i').exec(tag)?.[1];
    if (/^<script/i.test(tag)) {
      const src = attribute('src');
      if (src) paths.push(src);
    } else if (['stylesheet', 'modulepreload'].includes(attribute('rel')?.toLowerCase() ?? '')) {
      const href = attribute('href');
      if (href) paths.push(href);
    }
  }
  return paths;
}

const sizeOf = (path: string, body: Buffer): ConsoleFileSize => ({ path, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length });

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

async function main(): Promise<void> {
  const dirFlag = process.argv.indexOf('--dir');
  const directory = dirFlag > 0 ? resolve(process.argv[dirFlag + 1]) : DEFAULT_CONSOLE_DIR;
  const load = await consoleFirstLoad(directory);
  const out = ['| file | bytes | gzip -9 bytes |', '| --- | ---: | ---: |'];
  for (const file of load.files) out.push(`| ${file.path} | ${file.bytes} (${kib(file.bytes)}) | ${file.gzipBytes} (${kib(file.gzipBytes)}) |`);
  out.push(`| first load | ${load.totalBytes} (${kib(load.totalBytes)}) | ${load.totalGzipBytes} (${kib(load.totalGzipBytes)}) |`);
  const within = load.totalGzipBytes <= FIRST_LOAD_BUDGET_GZIP_BYTES;
  out.push('', `first load compressed: ${kib(load.totalGzipBytes)} of the ${kib(FIRST_LOAD_BUDGET_GZIP_BYTES)} budget: ${within ? 'within' : 'OVER'}`);
  console.log(out.join('\n'));
  if (!within) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error((error as Error).message ?? error);
    process.exit(1);
  });
}
