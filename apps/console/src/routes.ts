/** Hash routes (`/console/#/…`), so that the server only ever serves the index and its assets. */

export type BoardKind = 'operation' | 'task-force';

export interface BoardRef {
  readonly kind: BoardKind;
  readonly id: string;
}

export const BOARD_LIST_NAMES = ['documents', 'vessels', 'vehicles', 'locations', 'interceptions', 'persons'] as const;
export type BoardListName = (typeof BOARD_LIST_NAMES)[number];

export type Route =
  | { readonly view: 'home' }
  | { readonly view: 'board'; readonly board: BoardRef }
  | { readonly view: 'board-list'; readonly board: BoardRef; readonly list: BoardListName }
  | { readonly view: 'case'; readonly caseId: string }
  | { readonly view: 'unknown'; readonly hash: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '' || path === '/') return { view: 'home' };
  const segments = path.replace(/^\//, '').split('/').map(decodeSegment);
  if (segments.some((segment) => segment === null || segment === '')) return { view: 'unknown', hash };
  const [first, second, third, ...rest] = segments as string[];
  if (rest.length > 0) return { view: 'unknown', hash };
  if (first === 'case' && second !== undefined && third === undefined) return { view: 'case', caseId: second };
  if ((first === 'operation' || first === 'task-force') && second !== undefined) {
    const board: BoardRef = { kind: first, id: second };
    if (third === undefined) return { view: 'board', board };
    if ((BOARD_LIST_NAMES as readonly string[]).includes(third)) return { view: 'board-list', board, list: third as BoardListName };
  }
  return { view: 'unknown', hash };
}

export function routeHash(route: Exclude<Route, { view: 'unknown' }>): string {
  switch (route.view) {
    case 'home':
      return '#/';
    case 'board':
      return `#/${route.board.kind}/${encodeURIComponent(route.board.id)}`;
    case 'board-list':
      return `#/${route.board.kind}/${encodeURIComponent(route.board.id)}/${route.list}`;
    case 'case':
      return `#/case/${encodeURIComponent(route.caseId)}`;
  }
}

export const boardHash = (board: BoardRef): string => routeHash({ view: 'board', board });
export const caseHash = (caseId: string): string => routeHash({ view: 'case', caseId });

/** The board's path in the HTTP API: /v1/operations/{id} or /v1/task-forces/{id}. */
export const boardApiPath = (board: BoardRef): string => `/v1/${board.kind === 'operation' ? 'operations' : 'task-forces'}/${encodeURIComponent(board.id)}`;

export const boardKindLabel = (kind: BoardKind): string => (kind === 'operation' ? 'Operation' : 'Task force');

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
