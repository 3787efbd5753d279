import { problemText, type Problem } from '../api/exchange-api';

/**
 * What went wrong, in an alert that screen readers announce: the API's own message for a refusal (a board or case
 * this party may not see answers "not found", as the API does), and whether the console tries again by itself.
 */
export function ProblemMessage({ problems, onRetry }: { readonly problems: readonly (Problem | undefined)[]; readonly onRetry?: () => void }) {
  const shown = [...new Set(problems.filter((problem): problem is Problem => problem !== undefined).map(problemText))];
  if (shown.length === 0) return null;
  const unreachable = problems.some((problem) => problem?.kind === 'unreachable');
  return (
    <div role="alert" className={`problem${unreachable ? ' problem-unreachable' : ''}`}>
      {shown.map((text) => (
        <p key={text}>{text}</p>
      ))}
      {unreachable && onRetry && (
        <button type="button" onClick={onRetry}>
          Try again now
        </button>
      )}
    </div>
  );
}
