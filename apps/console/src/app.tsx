import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { ExchangeApi } from './api/exchange-api';
import type { CallerProfile } from './api/types';
import { parseRoute, type Route } from './routes';
import { SessionContext, type Session } from './session/session';
import { BoardListView } from './views/board-list-view';
import { BoardView } from './views/board-view';
import { CaseView } from './views/case-view';
import { Home } from './views/home';
import { SignIn } from './views/sign-in';
import { UnknownView } from './views/unknown-view';

function useHashRoute(): Route {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const changed = () => setHash(window.location.hash);
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return useMemo(() => parseRoute(hash), [hash]);
}

/** The console: sign-in until a key is accepted, then the view the hash names. Signing out forgets the key. */
export function App() {
  const route = useHashRoute();
  const [signedIn, setSignedIn] = useState<{ api: ExchangeApi; profile: CallerProfile }>();
  const [notice, setNotice] = useState<string>();
  const main = useRef<HTMLElement>(null);

  const signOut = useCallback((reason?: string) => {
    setSignedIn(undefined);
    setNotice(reason);
  }, []);
  const session = useMemo<Session | null>(() => (signedIn ? { ...signedIn, signOut } : null), [signedIn, signOut]);
  const skipToMain = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    main.current?.focus();
  };

  return (
    <SessionContext.Provider value={session}>
      <a className="skip-link" href="#main" onClick={skipToMain}>
        Skip to main content
      </a>
      <header className="top-bar">
        <div className="top-bar-inner">
          <h1>{session ? <a href="#/">Case exchange console</a> : 'Case exchange console'}</h1>
          {session && (
            <div className="signed-in">
              <span>Signed in as {session.profile.party}</span>
              <button type="button" className="secondary" onClick={() => signOut()}>
                Sign out
              </button>
            </div>
          )}
        </div>
        {session && (
          <nav aria-label="Main" className="main-nav">
            <a href="#/" aria-current={route.view === 'home' ? 'page' : undefined}>
              Your boards
            </a>
          </nav>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {session ? (
          <RouteView route={route} />
        ) : (
          <SignIn
            notice={notice}
            onSignedIn={(api, profile) => {
              setNotice(undefined);
              setSignedIn({ api, profile });
            }}
          />
        )}
      </main>
      <footer className="page-footer">
        <p>Data from the exchange's public HTTP API, as your party is entitled to it. Your API key is kept in this page's memory only.</p>
      </footer>
    </SessionContext.Provider>
  );
}

function RouteView({ route }: { readonly route: Route }) {
  switch (route.view) {
    case 'home':
      return <Home />;
    case 'board':
      return <BoardView key={`${route.board.kind}/${route.board.id}`} board={route.board} />;
    case 'board-list':
      return <BoardListView key={`${route.board.kind}/${route.board.id}/${route.list}`} board={route.board} list={route.list} />;
    case 'case':
      return <CaseView key={route.caseId} caseId={route.caseId} />;
    case 'unknown':
      return <UnknownView hash={route.hash} />;
  }
}
