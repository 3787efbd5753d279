import { ApiProblem, exchangeApi, KEY_REJECTED_TEXT, problemText, withQuery } from './exchange-api';

describe('the console’s API client', () => {
  const answering = (status: number, body: string, seen: { url?: string; init?: RequestInit } = {}) =>
    exchangeApi('demo-ncb-it', async (url, init) => {
      seen.url = url;
      seen.init = init;
      return new Response(body, { status, headers: { 'content-type': 'application/json' } });
    });
  const problemOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ApiProblem);
    return (error as ApiProblem).problem;
  };

  it('sends the key as a bearer token, to this origin only, and reads the JSON answer', async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const answer = await answering(200, '{"party":"NCB-IT"}', seen).get('/v1/me', { limit: 50, after: null, status: '' });
    expect(answer).toEqual({ party: 'NCB-IT' });
    expect(seen.url).toBe('/v1/me?limit=50');
    expect(seen.init?.headers).toMatchObject({ authorization: 'Bearer demo-ncb-it' });
    expect(seen.init?.credentials).toBe('omit');
  });

  it('words a rejected key itself, without the key', async () => {
    const problem = await problemOf(answering(401, '{"error":"invalid_credentials","message":"The API key is not valid","details":[]}').get('/v1/me'));
    expect(problem).toEqual({ kind: 'key-rejected' });
    expect(problemText(problem)).toBe(KEY_REJECTED_TEXT);
    expect(problemText(problem)).not.toContain('demo-ncb-it');
  });

  it('shows the API’s own message for a refusal, such as the not-found of a board the party is not a member of', async () => {
    const problem = await problemOf(
      answering(404, '{"error":"group_not_found","message":"There is no operation OP-HYDRA-2026","details":[]}').get('/v1/operations/OP-HYDRA-2026'),
    );
    expect(problem).toEqual({ kind: 'refused', status: 404, code: 'group_not_found', message: 'There is no operation OP-HYDRA-2026' });
    expect(problemText(problem)).toBe('There is no operation OP-HYDRA-2026');
    const proxyPage = await problemOf(answering(418, '<html>teapot</html>').get('/v1/me'));
    expect(proxyPage).toEqual({ kind: 'refused', status: 418, code: 'unknown', message: 'The exchange answered HTTP 418.' });
  });

  it('tells an exchange that cannot serve now (503, a proxy’s 502) and one that does not answer at all apart from a refusal', async () => {
    expect(await problemOf(answering(503, 'The console has not been built').get('/v1/me'))).toEqual({ kind: 'unreachable', status: 503 });
    expect(await problemOf(answering(502, '').get('/v1/me'))).toEqual({ kind: 'unreachable', status: 502 });
    const down = exchangeApi('k', async () => {
      throw new TypeError('fetch failed');
    });
    expect(await problemOf(down.get('/v1/me'))).toEqual({ kind: 'unreachable', status: null });
  });

  it('builds query strings from the values given, leaving out empty ones', () => {
    expect(withQuery('/v1/x', {})).toBe('/v1/x');
    expect(withQuery('/v1/x', { crimeArea: 'migrant_smuggling', updatedAfter: '2026-03-14T01:00:00.000Z', after: undefined })).toBe(
      '/v1/x?crimeArea=migrant_smuggling&updatedAfter=2026-03-14T01%3A00%3A00.000Z',
    );
  });
});
