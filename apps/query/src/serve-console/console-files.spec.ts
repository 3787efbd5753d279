import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ConsoleFiles } from './console-files';
import { acceptsGzip } from './serve-console';

describe('ConsoleFiles', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'cmx-console-files-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const writeBuild = (script: string, modified: Date) => {
    mkdirSync(join(directory, 'assets'), { recursive: true });
    writeFileSync(join(directory, 'assets', 'index-1.js'), script);
    writeFileSync(join(directory, 'index.html'), `<script src="/console/assets/index-1.js"></script>`);
    utimesSync(join(directory, 'index.html'), modified, modified);
  };

  it('is undefined until the console is built, then holds each file with its type and gzip form', () => {
    const files = new ConsoleFiles(directory);
    expect(files.current()).toBeUndefined();
    const script = 'console.log("the console");\n'.repeat(50);
    writeBuild(script, new Date('2026-01-01T00:00:00Z'));
    const build = files.current()!;
    expect(build.index.contentType).toBe('text/html; charset=utf-8');
    const asset = build.assets.get('index-1.js')!;
    expect(asset.contentType).toBe('text/javascript; charset=utf-8');
    expect(asset.body.toString()).toBe(script);
    expect(gunzipSync(asset.gzipped!).toString()).toBe(script);
    expect(build.assets.get('../index.html')).toBeUndefined();
  });

  it('reads the build again when index.html changed, and forgets it when it is gone', () => {
    const files = new ConsoleFiles(directory);
    writeBuild('first();', new Date('2026-01-01T00:00:00Z'));
    const first = files.current()!;
    expect(files.current()).toBe(first);
    writeBuild('second();', new Date('2026-01-02T00:00:00Z'));
    const second = files.current()!;
    expect(second.assets.get('index-1.js')!.body.toString()).toBe('second();');
    expect(second.assets.get('index-1.js')!.etag).not.toBe(first.assets.get('index-1.js')!.etag);
    rmSync(join(directory, 'index.html'));
    expect(files.current()).toBeUndefined();
  });
});

describe('acceptsGzip', () => {
  it.each([
    ['gzip, deflate, br', true],
    ['br;q=1, gzip;q=0.8', true],
    ['*', true],
    ['GZIP', true],
    ['gzip;q=0', false],
    ['gzip; q=0.0, identity', false],
    ['br, deflate', false],
    [undefined, false],
  ])('%s → %s', (header, accepted) => {
    expect(acceptsGzip(header)).toBe(accepted);
  });
});
