import { ExchangeClient } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';

describe('GET /v1/me', () => {
  let exchange: InProcessExchange;
  const client = (party: string) => new ExchangeClient(exchange.baseUrl, party);
  const me = (party: string) => client(party).request('GET', '/v1/me');

  beforeAll(async () => {
    exchange = await startInProcessExchange();
  });
  afterAll(() => exchange.close());

  it('names the caller’s party, its kind, whether it is an admin, and the groups it is a member of with their members', async () => {
    const answer = await me('NCB-IT');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      party: 'NCB-IT',
      kind: 'bureau',
      admin: false,
      operations: [{ id: 'OP-HYDRA-2026', members: ['EUROPOL', 'NCB-GR', 'NCB-IT'] }],
      taskForces: [{ id: 'OTF-CENTRAL-MED', members: ['FRONTEX', 'NCB-GR', 'NCB-IT', 'NCB-NE'] }],
    });
    expect((await me('EUROPOL')).body).toEqual({
      party: 'EUROPOL',
      kind: 'agency',
      admin: true,
      operations: [{ id: 'OP-HYDRA-2026', members: ['EUROPOL', 'NCB-GR', 'NCB-IT'] }],
      taskForces: [],
    });
    expect((await me('NCB-ES')).body).toEqual({ party: 'NCB-ES', kind: 'bureau', admin: false, operations: [], taskForces: [] });
  });

  it('follows membership changes made through the admin API', async () => {
    const changed = await client('EUROPOL').request(
      'PUT',
      '/v1/admin/task-forces/OTF-CENTRAL-MED/members',
      JSON.stringify({ members: ['NCB-IT', 'NCB-GR', 'NCB-NE', 'FRONTEX', 'NCB-ES'] }),
    );
    expect(changed.status).toBe(200);
    expect((await me('NCB-ES')).body.taskForces).toEqual([{ id: 'OTF-CENTRAL-MED', members: ['FRONTEX', 'NCB-ES', 'NCB-GR', 'NCB-IT', 'NCB-NE'] }]);

    expect(
      (await client('EUROPOL').request('PUT', '/v1/admin/task-forces/OTF-CENTRAL-MED/members', JSON.stringify({ members: ['NCB-GR', 'FRONTEX'] }))).status,
    ).toBe(200);
    expect((await me('NCB-IT')).body.taskForces).toEqual([]);
    expect((await me('NCB-ES')).body.taskForces).toEqual([]);
  });

  it('answers 401 to a key it does not know and to a request without one, as every route does', async () => {
    const wrongKey = await new ExchangeClient(exchange.baseUrl, 'NCB-IT', 'not-a-key').request('GET', '/v1/me');
    expect([wrongKey.status, wrongKey.body.error]).toEqual([401, 'invalid_credentials']);
    expect(wrongKey.headers.get('www-authenticate')).toBe('Bearer');
    const noKey = await ExchangeClient.anonymous(exchange.baseUrl).request('GET', '/v1/me');
    expect([noKey.status, noKey.body.error]).toEqual([401, 'unauthenticated']);
  });
});
