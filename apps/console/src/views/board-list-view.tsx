import { useId, useState, type FormEvent } from 'react';
import { isProblem, KEY_REJECTED_TEXT, type Problem } from '../api/exchange-api';
import type { ItemPage } from '../api/types';
import { ProblemMessage } from '../components/problem-message';
import { ViewHeading } from '../components/view-heading';
import { words } from '../format';
import { boardApiPath, boardHash, type BoardListName, type BoardRef } from '../routes';
import { useSession } from '../session/session';
import { useResource } from '../session/use-resource';
import { DOCUMENT_STATUSES, DOCUMENT_TYPES, LOCATION_KINDS, PERSON_ROLES } from '../../../../libs/contracts/src/cmf/vocabularies';
import { columnsFor, ItemsTable } from './board-tables';

const PAGE = 100;

type Item = Record<string, unknown>;

interface ListDescription {
  readonly title: string;
  /** The columns shown first, in this order. */
  readonly columns: readonly string[];
  /** The filters the list takes (DESIGN.md, "Boards (revised)"), each with its vocabulary. */
  readonly filters: readonly { readonly name: string; readonly label: string; readonly values: readonly string[] }[];
  /** The filter the view opens with. */
  readonly initial?: Readonly<Record<string, string>>;
}

const LISTS: Record<BoardListName, ListDescription> = {
  documents: {
    title: 'Documents',
    columns: ['caseId', 'type', 'number', 'issuingCountry', 'status'],
    filters: [
      // `flagged`: stolen, lost, forged, counterfeit or impostor use, as on the board
      { name: 'status', label: 'Status', values: ['flagged', ...DOCUMENT_STATUSES] },
      { name: 'type', label: 'Type', values: DOCUMENT_TYPES },
    ],
    initial: { status: 'flagged' },
  },
  vessels: { title: 'Vessels', columns: ['caseId', 'name', 'imo', 'flag'], filters: [] },
  vehicles: { title: 'Vehicles', columns: ['caseId', 'plate', 'registrationCountry'], filters: [] },
  locations: {
    title: 'Locations',
    columns: ['caseId', 'kind', 'name', 'country', 'lat', 'lon'],
    filters: [{ name: 'kind', label: 'Kind', values: LOCATION_KINDS }],
  },
  interceptions: { title: 'Interceptions', columns: ['caseId', 'occurredAt', 'migrants', 'deaths', 'missing'], filters: [] },
  persons: { title: 'Persons', columns: ['caseId', 'ref', 'role'], filters: [{ name: 'role', label: 'Role', values: PERSON_ROLES }] },
};

/** One of the board's full lists, page after page: GET /v1/{operations|task-forces}/{id}/{list}?after=&limit= */
export function BoardListView({ board, list }: { readonly board: BoardRef; readonly list: BoardListName }) {
  const { api, signOut } = useSession();
  const description = LISTS[list];
  const path = `${boardApiPath(board)}/${list}`;
  const [filter, setFilter] = useState<Readonly<Record<string, string>>>(description.initial ?? {});
  const key = `${path} ${JSON.stringify(filter)}`;
  const first = useResource<ItemPage<Item>>(key, (signal) => api.get(path, { ...filter, limit: PAGE }, { signal }));
  const [more, setMore] = useState<{ key: string; items: readonly Item[]; nextCursor: string | null }>();
  const [moreProblem, setMoreProblem] = useState<Problem>();
  const [loadingMore, setLoadingMore] = useState(false);

  const current = more?.key === key ? more : undefined;
  const items = first.data ? [...first.data.items, ...(current?.items ?? [])] : undefined;
  const nextCursor = current ? current.nextCursor : (first.data?.nextCursor ?? null);
  const loadMore = () => {
    if (nextCursor === null) return;
    setLoadingMore(true);
    api
      .get<ItemPage<Item>>(path, { ...filter, after: nextCursor, limit: PAGE })
      .then((page) => {
        setMore({ key, items: [...(current?.items ?? []), ...page.items], nextCursor: page.nextCursor });
        setMoreProblem(undefined);
      })
      .catch((error: unknown) => {
        if (isProblem(error) && error.problem.kind === 'key-rejected') return signOut(KEY_REJECTED_TEXT);
        setMoreProblem(isProblem(error) ? error.problem : { kind: 'unreachable', status: null });
      })
      .finally(() => setLoadingMore(false));
  };

  const title = `${description.title} of ${board.id}`;
  return (
    <article aria-labelledby="list-heading" className="list-view">
      <p className="breadcrumb">
        <a href={boardHash(board)}>Back to the board {board.id}</a>
      </p>
      <ViewHeading id="list-heading" title={title}>
        {title}
      </ViewHeading>
      {description.filters.length > 0 && <ListFilterForm description={description} initial={filter} onApply={setFilter} />}
      <ProblemMessage problems={[first.problem, moreProblem]} onRetry={first.reload} />
      {first.loading && <p className="loading">Loading…</p>}
      {items && (
        <>
          <ItemsTable
            items={items}
            columns={columnsFor(items, description.columns)}
            caption={`${items.length} ${description.title.toLowerCase()} shown${nextCursor !== null ? ' (more to load)' : ''}`}
            empty={Object.keys(filter).length > 0 ? 'Nothing matches these filters.' : 'None on this board yet.'}
          />
          {nextCursor !== null && (
            <button type="button" onClick={loadMore} disabled={loadingMore}>
              {loadingMore ? 'Loading…' : `Show ${PAGE} more`}
            </button>
          )}
        </>
      )}
    </article>
  );
}

function ListFilterForm({
  description,
  initial,
  onApply,
}: {
  readonly description: ListDescription;
  readonly initial: Readonly<Record<string, string>>;
  readonly onApply: (filter: Record<string, string>) => void;
}) {
  const id = useId();
  const [values, setValues] = useState<Readonly<Record<string, string>>>(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(Object.fromEntries(Object.entries(values).filter(([, value]) => value !== '')));
  };
  return (
    <form className="filters" onSubmit={submit} aria-label={`Filter the ${description.title.toLowerCase()}`}>
      {description.filters.map((filter) => (
        <div className="field" key={filter.name}>
          <label htmlFor={`${id}-${filter.name}`}>{filter.label}</label>
          <select
            id={`${id}-${filter.name}`}
            value={values[filter.name] ?? ''}
            onChange={(event) => setValues({ ...values, [filter.name]: event.target.value })}
          >
            <option value="">any</option>
            {filter.values.map((value) => (
              <option key={value} value={value}>
                {words(value)}
              </option>
            ))}
          </select>
        </div>
      ))}
      <div className="field buttons">
        <button type="submit">Apply filters</button>
      </div>
    </form>
  );
}
