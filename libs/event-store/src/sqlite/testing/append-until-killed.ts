/**
 * Child process for the conformance suite's crash test:
 *   append-until-killed.ts <sqlite file> <stream name>...
 * Appends until killed (see conformance/append-until-killed.ts).
 */
import { appendUntilKilled, runAppenderProcess } from '../../conformance/append-until-killed';
import { SqliteEventStore } from '../sqlite-event-store';

runAppenderProcess(async () => {
  const [file, ...streamNames] = process.argv.slice(2);
  if (!file || streamNames.length === 0) throw new Error('usage: append-until-killed.ts <sqlite file> <stream name>...');
  await appendUntilKilled(await SqliteEventStore.open({ file }), streamNames);
});
