/**
 * npm run projections:rebuild [-- --parts N] [name…]
 *   Rebuilds the named projections (case-summaries, boards; all when none is
 *   named) from the event store the settings name (EVENT_STORE, DATA_DIR,
 *   DATABASE_URL…, as for the services), while queries go on reading the
 *   current model: the new one is built beside it and swapped in one
 *   transaction. The cases are folded in N parts at once, one worker thread
 *   each (default: one per CPU core, at most 8: each part scans the whole log
 *   for its streams). Progress on stderr: events, events/s, ETA.
 */
import { PROJECTION_NAMES, ProjectionName } from '@cmx/projector/project-events/projection';
import { rebuildProjection, RebuildProgress } from '@cmx/projector/rebuild-projections/rebuild-projection';
import { availableParallelism } from 'node:os';
import { PersonalDataVault } from '@cmx/personal-data';
import { ConfigError, loadConfig, openEventStore, openKeyStore, openReadModelDatabase } from '@cmx/platform';

const BAR_WIDTH = 30;

function progressLine(name: string, progress: RebuildProgress, started: number): string {
  const seconds = (performance.now() - started) / 1000;
  const rate = progress.events / Math.max(seconds, 0.001);
  const eta = progress.fraction > 0 ? (seconds / progress.fraction) * (1 - progress.fraction) : NaN;
  const filled = Math.round(progress.fraction * BAR_WIDTH);
  return (
    `${name} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${(progress.fraction * 100).toFixed(0).padStart(3)}% ` +
    `${progress.events.toLocaleString('en')} events  ${Math.round(rate).toLocaleString('en')} events/s  ETA ${Number.isFinite(eta) ? `${eta.toFixed(0)} s` : '?'}`
  );
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const partsAt = args.indexOf('--parts');
  const parts = partsAt < 0 ? Math.min(availableParallelism(), 8) : Number(args[partsAt + 1]);
  if (!Number.isInteger(parts) || parts < 1 || parts > 64) {
    console.error('projections:rebuild: --parts needs a whole number from 1 to 64');
    return 1;
  }
  const names = partsAt < 0 ? args : args.filter((_, index) => index !== partsAt && index !== partsAt + 1);
  const unknown = names.filter((name) => !(PROJECTION_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    console.error(`projections:rebuild: no projection ${unknown.join(', ')}; the projections are ${PROJECTION_NAMES.join(', ')}`);
    return 1;
  }
  const config = loadConfig();
  const store = await openEventStore(config);
  const keys = openKeyStore(config);
  const vault = new PersonalDataVault(keys);
  const db = openReadModelDatabase(config);
  try {
    for (const name of (names.length > 0 ? names : PROJECTION_NAMES) as ProjectionName[]) {
      const started = performance.now();
      let lastDrawn = 0;
      const onProgress = (progress: RebuildProgress) => {
        const now = performance.now();
        if (now - lastDrawn < 250 && progress.fraction < 1) return;
        lastDrawn = now;
        if (process.stderr.isTTY) process.stderr.write(`\r${progressLine(name, progress, started)}`);
        else console.error(progressLine(name, progress, started));
      };
      const { events } = await rebuildProjection(store, db, name, vault, { onProgress, parts, config });
      const seconds = (performance.now() - started) / 1000;
      if (process.stderr.isTTY) process.stderr.write('\n');
      console.log(
        `rebuilt ${name}: ${events} events in ${seconds.toFixed(1)} s (${Math.round(events / Math.max(seconds, 0.001))} events/s, ${parts} part${parts === 1 ? '' : 's'}), swapped in`,
      );
    }
    return 0;
  } finally {
    await db.close();
    await keys.close();
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? `config error: ${error.message}` : error);
    process.exit(1);
  },
);
