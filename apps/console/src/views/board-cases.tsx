import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { isProblem, KEY_REJECTED_TEXT, type Problem } from '../api/exchange-api';
import type { CaseListing, CaseListPage } from '../api/types';
import { ProblemMessage } from '../components/problem-message';
import { utcTime, words } from '../format';
import { boardApiPath, caseHash, type BoardRef } from '../routes';
import { useSession } from '../session/session';
import { useResource } from '../session/use-resource';
import { CRIME_AREAS, ROUTE_NAMES } from '../../../../libs/contracts/src/cmf/vocabularies';

const PAGE = 50;
/** The most a refresh reads at once (the API's largest page). */
const MOST_CASES = 500;

export interface CaseFilter {
  readonly status?: 'open' | 'closed';
  readonly crimeArea?: string;
  readonly route?: string;
  /** RFC 3339 */
  readonly updatedAfter?: string;
}

export interface CaseList {
  readonly filter: CaseFilter;
  setFilter(filter: CaseFilter): void;
  /** The cases shown, newest activity first; undefined until the first page arrived. */
  readonly listed: readonly CaseListing[] | undefined;
  readonly nextCursor: string | null;
  readonly problem: Problem | undefined;
  readonly loadingMore: boolean;
  loadMore(): void;
  reload(): void;
}

/**
 * The board's cases (GET …/cases), filtered and paged by cursor. When the board changes (`boardRevision`), the
 * list is read again as far as it was shown, so that the cases already paged in stay on the page.
 */
export function useCaseList(board: BoardRef, boardRevision: number): CaseList {
  const { api, signOut } = useSession();
  const [filter, setFilter] = useState<CaseFilter>({});
  const path = `${boardApiPath(board)}/cases`;
  const shown = useRef(PAGE);
  const key = `${path} ${JSON.stringify(filter)}`;
  const first = useResource<CaseListPage>(
    key,
    (signal) => api.get(path, { ...filter, limit: Math.min(MOST_CASES, Math.max(PAGE, shown.current)) }, { signal }),
    { refreshOn: boardRevision },
  );
  const [more, setMore] = useState<{ forRevision: number; key: string; cases: readonly CaseListing[]; nextCursor: string | null }>();
  const [moreProblem, setMoreProblem] = useState<Problem>();
  const [loadingMore, setLoadingMore] = useState(false);
  const current = more && more.key === key && more.forRevision === first.revision ? more : undefined;
  const listed = first.data ? [...first.data.cases, ...(current?.cases ?? [])] : undefined;
  const nextCursor = current ? current.nextCursor : (first.data?.nextCursor ?? null);

  useEffect(() => {
    shown.current = PAGE;
    setMoreProblem(undefined);
  }, [key]);
  useEffect(() => {
    if (listed) shown.current = Math.max(PAGE, listed.length);
  });

  const loadMore = () => {
    if (nextCursor === null || loadingMore) return;
    const revision = first.revision;
    setLoadingMore(true);
    api
      .get<CaseListPage>(path, { ...filter, after: nextCursor, limit: PAGE })
      .then((page) => {
        setMore({ forRevision: revision, key, cases: [...(current?.cases ?? []), ...page.cases], nextCursor: page.nextCursor });
        setMoreProblem(undefined);
      })
      .catch((error: unknown) => {
        if (isProblem(error) && error.problem.kind === 'key-rejected') return signOut(KEY_REJECTED_TEXT);
        setMoreProblem(isProblem(error) ? error.problem : { kind: 'unreachable', status: null });
      })
      .finally(() => setLoadingMore(false));
  };

  return {
    filter,
    setFilter,
    listed,
    nextCursor,
    problem: first.problem ?? moreProblem,
    loadingMore,
    loadMore,
    reload: first.reload,
  };
}

export function BoardCases({ board, list, total }: { readonly board: BoardRef; readonly list: CaseList; readonly total: number }) {
  const filtered = Object.values(list.filter).some((value) => value !== undefined);
  return (
    <section aria-labelledby="cases-heading" className="cases">
      <h3 id="cases-heading">Cases</h3>
      <CaseFilterForm filter={list.filter} onApply={list.setFilter} />
      <ProblemMessage problems={[list.problem]} onRetry={list.reload} />
      {list.listed === undefined ? (
        !list.problem && <p className="loading">Loading the cases…</p>
      ) : list.listed.length === 0 ? (
        <p className="empty">
          {filtered
            ? 'No case of this board matches these filters. Clear the filters to see every case.'
            : `No case is on ${board.id} yet. A case joins the board once a message of it is distributed to it, or a case.assigned names it.`}
        </p>
      ) : (
        <>
          <table className="case-table">
            <caption>
              {filtered ? `${list.listed.length} matching cases shown` : `${list.listed.length} of ${total} cases shown`}, most recent activity first
            </caption>
            <thead>
              <tr>
                <th scope="col">Case</th>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">Owner</th>
                <th scope="col">Crime areas</th>
                <th scope="col">Route</th>
                <th scope="col">Version</th>
                <th scope="col">Last activity</th>
              </tr>
            </thead>
            <tbody>
              {list.listed.map((listed) => (
                <tr key={listed.caseId}>
                  <th scope="row">
                    <a href={caseHash(listed.caseId)}>{listed.caseId}</a>
                  </th>
                  <td>{listed.title ?? '—'}</td>
                  <td>
                    <span className={`status status-${listed.status}`}>{listed.status}</span>
                  </td>
                  <td>{listed.owner ?? '—'}</td>
                  <td>{listed.crimeAreas.map(words).join(', ') || '—'}</td>
                  <td>{listed.route ? words(listed.route) : '—'}</td>
                  <td className="number">{listed.version}</td>
                  <td>{utcTime(listed.lastActivityAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.nextCursor !== null && (
            <button type="button" onClick={list.loadMore} disabled={list.loadingMore}>
              {list.loadingMore ? 'Loading more cases…' : `Show ${PAGE} more cases`}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function CaseFilterForm({ filter, onApply }: { readonly filter: CaseFilter; readonly onApply: (filter: CaseFilter) => void }) {
  const id = useId();
  const [status, setStatus] = useState(filter.status ?? '');
  const [crimeArea, setCrimeArea] = useState(filter.crimeArea ?? '');
  const [route, setRoute] = useState(filter.route ?? '');
  const [updatedAfter, setUpdatedAfter] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const after = updatedAfter ? new Date(updatedAfter) : undefined;
    onApply({
      status: status === 'open' || status === 'closed' ? status : undefined,
      crimeArea: crimeArea || undefined,
      route: route || undefined,
      updatedAfter: after && !Number.isNaN(after.getTime()) ? after.toISOString() : undefined,
    });
  };
  const clear = () => {
    setStatus('');
    setCrimeArea('');
    setRoute('');
    setUpdatedAfter('');
    onApply({});
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Filter the cases">
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={status} onChange={(event) => setStatus(event.target.value)}>
          <option value="">any</option>
          <option value="open">open</option>
          <option value="closed">closed</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-crime-area`}>Crime area</label>
        <select id={`${id}-crime-area`} value={crimeArea} onChange={(event) => setCrimeArea(event.target.value)}>
          <option value="">any</option>
          {CRIME_AREAS.map((area) => (
            <option key={area} value={area}>
              {words(area)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-route`}>Route</label>
        <select id={`${id}-route`} value={route} onChange={(event) => setRoute(event.target.value)}>
          <option value="">any</option>
          {ROUTE_NAMES.map((name) => (
            <option key={name} value={name}>
              {words(name)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-updated-after`}>Updated after (your local time)</label>
        <input id={`${id}-updated-after`} type="datetime-local" value={updatedAfter} onChange={(event) => setUpdatedAfter(event.target.value)} />
      </div>
      <div className="field buttons">
        <button type="submit">Apply filters</button>
        <button type="button" className="secondary" onClick={clear}>
          Clear
        </button>
      </div>
    </form>
  );
}
