import { boardApiPath, parseRoute, routeHash } from './routes';

describe('console hash routes', () => {
  it.each([
    ['', { view: 'home' }],
    ['#/', { view: 'home' }],
    ['#/operation/OP-HYDRA-2026', { view: 'board', board: { kind: 'operation', id: 'OP-HYDRA-2026' } }],
    ['#/task-force/OTF-CENTRAL-MED', { view: 'board', board: { kind: 'task-force', id: 'OTF-CENTRAL-MED' } }],
    ['#/task-force/OTF-CENTRAL-MED/documents', { view: 'board-list', board: { kind: 'task-force', id: 'OTF-CENTRAL-MED' }, list: 'documents' }],
    ['#/case/IT-2026-000123', { view: 'case', caseId: 'IT-2026-000123' }],
  ])('reads %j', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
    if (hash !== '') expect(routeHash(route as never)).toBe(hash);
  });

  it.each(['#/operation', '#/operation/OP-1/cases', '#/case/', '#/case/A/B', '#/nowhere', '#main', '#/case/%E0%A4%A'])('knows %s is no view', (hash) => {
    expect(parseRoute(hash)).toEqual({ view: 'unknown', hash });
  });

  it('escapes ids in hashes and API paths', () => {
    expect(routeHash({ view: 'case', caseId: 'a/b' })).toBe('#/case/a%2Fb');
    expect(parseRoute('#/case/a%2Fb')).toEqual({ view: 'case', caseId: 'a/b' });
    expect(boardApiPath({ kind: 'task-force', id: 'OTF-X' })).toBe('/v1/task-forces/OTF-X');
    expect(boardApiPath({ kind: 'operation', id: 'OP-X' })).toBe('/v1/operations/OP-X');
  });
});
