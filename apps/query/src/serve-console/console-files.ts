import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file of the built console, held in memory with its gzip form (compressed once, when the build is read). */
export interface ConsoleFile {
  readonly contentType: string;
  readonly body: Buffer;
  /** Absent when gzip would not make it smaller. */
  readonly gzipped?: Buffer;
  readonly etag: string;
}

export interface ConsoleBuild {
  readonly index: ConsoleFile;
  /** By file name under assets/ (the names Vite gives carry a hash of their content). */
  readonly assets: ReadonlyMap<string, ConsoleFile>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The console as `npm run build` left it in `directory` (index.html, assets/), read again whenever index.html
 * changed; undefined while it has not been built.
 */
export class ConsoleFiles {
  private loaded: { readonly indexModifiedMs: number; readonly build: ConsoleBuild } | undefined;

  constructor(private readonly directory: string) {}

  current(): ConsoleBuild | undefined {
    const indexModifiedMs = modifiedMs(join(this.directory, 'index.html'));
    if (indexModifiedMs === undefined) {
      this.loaded = undefined;
      return undefined;
    }
    if (this.loaded?.indexModifiedMs !== indexModifiedMs) {
      const build = readBuild(this.directory);
      this.loaded = build ? { indexModifiedMs, build } : undefined;
    }
    return this.loaded?.build;
  }
}

function readBuild(directory: string): ConsoleBuild | undefined {
  try {
    const assetsDirectory = join(directory, 'assets');
    const names =
      modifiedMs(assetsDirectory) === undefined
        ? []
        : readdirSync(assetsDirectory, { withFileTypes: true })
            .filter((entry) => entry.isFile())
            .map((entry) => entry.name);
    return {
      index: consoleFile('index.html', readFileSync(join(directory, 'index.html'))),
      assets: new Map(names.map((name) => [name, consoleFile(name, readFileSync(join(assetsDirectory, name)))])),
    };
  } catch {
    // a build being written at this moment: the next request reads it again
    return undefined;
  }
}

function consoleFile(name: string, body: Buffer): ConsoleFile {
  const gzipped = gzipSync(body, { level: 9 });
  return {
    contentType: CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream',
    body,
    gzipped: gzipped.length < body.length ? gzipped : undefined,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}

function modifiedMs(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}
