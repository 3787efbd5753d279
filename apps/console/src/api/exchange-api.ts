/**
 * The console's only way to the exchange: GET requests to the public HTTP API of the origin it was loaded from,
 * with the party's API key as a bearer token. The key lives in this object and nowhere else.
 */

/** Why a request gave no answer the console can show. */
export type Problem =
  /** 401: the key is wrong, or no longer valid. */
  | { readonly kind: 'key-rejected' }
  /** No answer at all, or the exchange (or a proxy in front of it) says it cannot serve now. */
  | { readonly kind: 'unreachable'; readonly status: number | null }
  /** Any other refusal, with the API's own message (e.g. 404 for a board the party is not a member of). */
  | { readonly kind: 'refused'; readonly status: number; readonly code: string; readonly message: string };

export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problemText(problem));
  }
}

export const KEY_REJECTED_TEXT = 'This key was not accepted. Check the key your bureau was given and try again.';

export function problemText(problem: Problem): string {
  switch (problem.kind) {
    case 'key-rejected':
      return KEY_REJECTED_TEXT;
    case 'unreachable':
      return problem.status === null
        ? 'The exchange cannot be reached. Check the network connection; the console tries again by itself.'
        : `The exchange is not available at the moment (HTTP ${problem.status}); the console tries again by itself.`;
    case 'refused':
      return problem.message;
  }
}

export type QueryValues = Readonly<Record<string, string | number | undefined | null>>;

export interface ExchangeApi {
  get<Answer>(path: string, query?: QueryValues, init?: { readonly accept?: string; readonly signal?: AbortSignal }): Promise<Answer>;
}

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

export function exchangeApi(apiKey: string, fetcher: Fetch = (input, init) => fetch(input, init)): ExchangeApi {
  return {
    async get<Answer>(path: string, query: QueryValues = {}, init: { readonly accept?: string; readonly signal?: AbortSignal } = {}) {
      let response: Response;
      try {
        response = await fetcher(withQuery(path, query), {
          method: 'GET',
          headers: { authorization: `Bearer ${apiKey}`, accept: init.accept ?? 'application/json' },
          cache: 'no-store',
          credentials: 'omit',
          signal: init.signal,
        });
      } catch (error) {
        if ((error as Error)?.name === 'AbortError') throw error;
        throw new ApiProblem({ kind: 'unreachable', status: null });
      }
      if (response.ok) return (await response.json()) as Answer;
      throw new ApiProblem(await problemOf(response));
    },
  };
}

export function withQuery(path: string, query: QueryValues): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/** The refusal as the API words it: `{ error, message, details }` (libs/platform/src/http/error-body.ts). */
async function problemOf(response: Response): Promise<Problem> {
  if (response.status === 401) return { kind: 'key-rejected' };
  if (UNAVAILABLE_STATUSES.has(response.status)) return { kind: 'unreachable', status: response.status };
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof body.message === 'string') {
      return { kind: 'refused', status: response.status, code: typeof body.error === 'string' ? body.error : 'unknown', message: body.message };
    }
  } catch {
    // not the exchange's JSON error body: a proxy's page, say
  }
  return { kind: 'refused', status: response.status, code: 'unknown', message: `The exchange answered HTTP ${response.status}.` };
}

export const isProblem = (error: unknown): error is ApiProblem => error instanceof ApiProblem;
