import { useId, useState, type FormEvent } from 'react';
import { exchangeApi, isProblem, problemText, type ExchangeApi, type Problem } from '../api/exchange-api';
import type { CallerProfile } from '../api/types';
import { ViewHeading } from '../components/view-heading';

/**
 * The party's API key, checked against GET /v1/me. The key stays in this form's state until it is accepted, then
 * only inside the API client held in memory: never in storage, a cookie or the URL.
 */
export function SignIn({
  notice,
  onSignedIn,
}: {
  readonly notice: string | undefined;
  readonly onSignedIn: (api: ExchangeApi, profile: CallerProfile) => void;
}) {
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<Problem | undefined>();
  const [checking, setChecking] = useState(false);
  const inputId = useId();
  const hintId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (trimmed === '') {
      setProblem({ kind: 'refused', status: 0, code: 'empty_key', message: 'Enter the API key of your bureau or agency.' });
      return;
    }
    setChecking(true);
    const api = exchangeApi(trimmed);
    try {
      const profile = await api.get<CallerProfile>('/v1/me');
      setKey('');
      onSignedIn(api, profile);
    } catch (error) {
      setProblem(isProblem(error) ? error.problem : { kind: 'unreachable', status: null });
      setChecking(false);
    }
  };

  const message = problem ? signInProblemText(problem) : notice;
  return (
    <section className="sign-in" aria-labelledby="sign-in-heading">
      <ViewHeading id="sign-in-heading" title="Sign in">
        Sign in
      </ViewHeading>
      <p>
        Sign in with the API key of your party (a national bureau or an agency). The console keeps it in this page's memory only: closing or reloading the page
        signs you out.
      </p>
      <form onSubmit={submit} noValidate>
        <label htmlFor={inputId}>API key</label>
        <input
          id={inputId}
          type="password"
          name="api-key"
          autoComplete="off"
          spellCheck={false}
          value={key}
          aria-describedby={hintId}
          aria-invalid={problem?.kind === 'key-rejected' || undefined}
          onChange={(event) => setKey(event.target.value)}
        />
        <button type="submit" disabled={checking}>
          Sign in
        </button>
        <p id={hintId} className="hint">
          The key is the one the exchange's operators issued to your bureau or agency.
        </p>
      </form>
      {message && (
        <div role="alert" className="problem">
          <p>{message}</p>
        </div>
      )}
    </section>
  );
}

/** As problemText, but nothing is retried by itself here: the user signs in again. */
function signInProblemText(problem: Problem): string {
  if (problem.kind !== 'unreachable') return problemText(problem);
  return problem.status === null
    ? 'The exchange cannot be reached. Check the network connection, then sign in again.'
    : `The exchange is not available at the moment (HTTP ${problem.status}). Wait a moment, then sign in again.`;
}
