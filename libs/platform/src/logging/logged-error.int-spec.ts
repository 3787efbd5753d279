import { Pool } from 'pg';
import { describeOnPostgres } from '@cmx/event-store/conformance';
import { errorMessage, errorText } from './logged-error';

describeOnPostgres('loggedError', 'server’s errors', (connectionString) => {
  let pool: Pool;
  beforeAll(() => {
    pool = new Pool({ connectionString, max: 1 });
  });
  afterAll(() => pool.end());

  it('masks the value PostgreSQL quotes in its error, and keeps its SQLSTATE', async () => {
    const refused = await pool.query('SELECT $1::uuid', ['Amara Okafor +39 333 1234567']).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((refused as Error).message).toContain('Amara');
    expect(errorMessage(refused)).toBe('error (22P02): invalid input syntax for type uuid: "…"');
    expect(errorText(refused)).not.toContain('Amara');
  });
});
