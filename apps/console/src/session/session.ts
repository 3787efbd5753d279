import { createContext, useContext } from 'react';
import type { ExchangeApi } from '../api/exchange-api';
import type { CallerProfile } from '../api/types';

/** The signed-in party: its API key is inside `api` (memory only) and goes away with the session on sign-out. */
export interface Session {
  readonly api: ExchangeApi;
  readonly profile: CallerProfile;
  /** Ends the session; `notice` is shown on the sign-in form (e.g. the key was rejected meanwhile). */
  signOut(notice?: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside a signed-in session');
  return session;
}
