/**
 * Child process for the conformance suite's crash test:
 *   DATABASE_URL=… append-until-killed.ts <schema> <stream name>...
 * Appends until killed (see conformance/append-until-killed.ts).
 */
import { appendUntilKilled, runAppenderProcess } from '../../conformance/append-until-killed';
import { PostgresEventStore } from '../postgres-event-store';

runAppenderProcess(async () => {
  const connectionString = process.env.DATABASE_URL;
  const [schema, ...streamNames] = process.argv.slice(2);
  if (!connectionString || !schema || streamNames.length === 0) {
    throw new Error('usage: DATABASE_URL=… append-until-killed.ts <schema> <stream name>...');
  }
  await appendUntilKilled(await PostgresEventStore.open({ connectionString, schema, poolSize: streamNames.length }), streamNames);
});
