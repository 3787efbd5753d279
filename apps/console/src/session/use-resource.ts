import { useCallback, useEffect, useRef, useState } from 'react';
import { isProblem, KEY_REJECTED_TEXT, type Problem } from '../api/exchange-api';
import { useSession } from './session';

/** How long the console waits before it asks again after the exchange could not be reached. */
export const RETRY_MS = 3_000;

export interface Resource<Data> {
  /** The last answer; kept while a later request fails, so that a board stays readable when the exchange is briefly away. */
  readonly data: Data | undefined;
  readonly problem: Problem | undefined;
  /** Goes up each time `data` changes content. */
  readonly revision: number;
  readonly loading: boolean;
  reload(): void;
}

const UNREADABLE_ANSWER: Problem = {
  kind: 'refused',
  status: 0,
  code: 'unreadable_answer',
  message: 'The console could not read the answer of the exchange. Reload the page and try again.',
};

export interface ResourceOptions {
  /** Asks again this often while the page is visible; an answer with the same content changes nothing. */
  readonly pollMs?: number;
  /** Asks again whenever this changes, keeping the last answer until the new one arrives. */
  readonly refreshOn?: string | number;
}

/**
 * One API read, kept current: retried every RETRY_MS while the exchange cannot be reached, polled when asked to,
 * and ending the session when the key is rejected. A new `key` starts over.
 */
export function useResource<Data>(key: string, load: (signal: AbortSignal) => Promise<Data>, options: ResourceOptions = {}): Resource<Data> {
  const { signOut } = useSession();
  const [state, setState] = useState<{ key: string; data?: Data; text?: string; problem?: Problem; revision: number }>({ key, revision: 0 });
  const [reloads, setReloads] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const abort = new AbortController();
    let timer: number | undefined;
    const schedule = (ms: number) => {
      timer = window.setTimeout(() => void whenVisible(abort.signal).then(run), ms);
    };
    const run = async () => {
      if (abort.signal.aborted) return;
      try {
        const data = await loadRef.current(abort.signal);
        if (abort.signal.aborted) return;
        const text = JSON.stringify(data);
        setState((current) =>
          current.key === key && current.text === text
            ? { ...current, problem: undefined }
            : { key, data, text, problem: undefined, revision: current.revision + 1 },
        );
        if (options.pollMs) schedule(options.pollMs);
      } catch (error) {
        if (abort.signal.aborted) return;
        const problem: Problem = isProblem(error) ? error.problem : UNREADABLE_ANSWER;
        if (problem.kind === 'key-rejected') return signOut(KEY_REJECTED_TEXT);
        setState((current) => (problem.kind === 'unreachable' ? { ...current, key, problem } : { key, problem, revision: current.revision + 1 }));
        if (problem.kind === 'unreachable') schedule(RETRY_MS);
      }
    };
    void run();
    return () => {
      abort.abort();
      window.clearTimeout(timer);
    };
  }, [key, reloads, options.pollMs, options.refreshOn, signOut]);

  const reload = useCallback(() => setReloads((count) => count + 1), []);
  const current = state.key === key ? state : { data: undefined, problem: undefined, revision: 0 };
  return {
    data: current.data,
    problem: current.problem,
    revision: current.revision,
    loading: current.data === undefined && current.problem === undefined,
    reload,
  };
}

/** Resolves at once while the page is shown, else when it is shown again (no polling in a hidden tab). */
function whenVisible(signal: AbortSignal): Promise<void> {
  if (document.visibilityState !== 'hidden') return Promise.resolve();
  return new Promise((resolve) => {
    const shown = () => {
      if (document.visibilityState === 'hidden') return;
      document.removeEventListener('visibilitychange', shown);
      resolve();
    };
    document.addEventListener('visibilitychange', shown);
    signal.addEventListener('abort', () => document.removeEventListener('visibilitychange', shown), { once: true });
  });
}
