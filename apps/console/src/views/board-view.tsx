import { useMemo } from 'react';
import { isProblem, type ExchangeApi } from '../api/exchange-api';
import type { Board, BoardLocation, CaseListing, CaseSummary, ItemPage } from '../api/types';
import { BarChart } from '../components/bar-chart';
import { BoardMap } from '../components/board-map';
import { ProblemMessage } from '../components/problem-message';
import { ViewHeading } from '../components/view-heading';
import { boardList, utcTime } from '../format';
import { mapLegs } from '../map/map-geometry';
import { boardApiPath, boardKindLabel, routeHash, type BoardListName, type BoardRef } from '../routes';
import { useSession } from '../session/session';
import { useResource } from '../session/use-resource';
import { BoardCases, useCaseList } from './board-cases';
import { DocumentsTable, VehiclesTable, VesselsTable } from './board-tables';

/** How often a shown board is read again; the query process answers from its cache unless the board changed. */
export const BOARD_POLL_MS = 2_500;
/** Locations read for the map at most (the board's `…/locations`, page after page). */
const MAP_LOCATIONS = 1_000;
/** The route legs on the map are those of this many of the most recently active listed cases. */
const LEG_CASES = 20;

export function BoardView({ board }: { readonly board: BoardRef }) {
  const { api } = useSession();
  const path = boardApiPath(board);
  const answer = useResource<Board>(`board ${path}`, (signal) => api.get(path, {}, { signal }), { pollMs: BOARD_POLL_MS });
  const data = answer.data;
  return (
    <article className="board" aria-labelledby="board-heading">
      <ViewHeading id="board-heading" title={board.id}>
        {board.id}
      </ViewHeading>
      <ProblemMessage problems={[answer.problem]} onRetry={answer.reload} />
      {answer.problem?.kind === 'refused' && answer.problem.status === 404 && (
        <p className="problem-hint">
          A board is shown only to the members of its {board.kind === 'operation' ? 'operation' : 'task force'}: to anyone else the exchange answers that it
          does not exist. Go back to <a href="#/">your boards</a>.
        </p>
      )}
      {answer.loading && <p className="loading">Loading the board…</p>}
      {data && <BoardContent board={board} data={data} revision={answer.revision} />}
    </article>
  );
}

function BoardContent({ board, data, revision }: { readonly board: BoardRef; readonly data: Board; readonly revision: number }) {
  const { api } = useSession();
  const path = boardApiPath(board);
  const cases = useCaseList(board, revision);
  const documents = boardList(data.flaggedDocuments);
  const vessels = boardList(data.vessels);
  const vehicles = boardList(data.vehicles);
  const boardLocations = boardList(data.locations);
  const locations = useResource<readonly BoardLocation[]>(`locations ${path}`, (signal) => allLocations(api, path, boardLocations.recent, signal), {
    refreshOn: revision,
  });
  const legCases = (cases.listed ?? []).slice(0, LEG_CASES);
  const legKey = legCases.map((listed) => `${listed.caseId}@${listed.version}`).join(',');
  const routes = useResource(`legs ${path}`, (signal) => routesOf(api, legCases, signal), { refreshOn: legKey });
  const legs = useMemo(() => mapLegs(routes.data ?? []), [routes.data]);
  const show = (list: BoardListName) => routeHash({ view: 'board-list', board, list });
  const updatedAt = useMemo(() => utcTime(new Date().toISOString()), [revision]);

  return (
    <>
      <p className="board-meta">
        {boardKindLabel(board.kind)} · members: {data.members.join(', ')} · last activity: {utcTime(data.lastActivityAt)}
      </p>
      <p className="live-status" aria-live="polite">
        {revision > 1 ? `Board updated at ${updatedAt}.` : 'The board refreshes by itself when a new message changes it.'}
      </p>

      <section aria-labelledby="totals-heading" className="totals">
        <h3 id="totals-heading">Totals</h3>
        <div className="figure-groups">
          <div role="group" aria-label="Cases">
            <dl className="figures">
              <Figure label="Cases" testId="total-cases" value={data.cases.total} />
              <Figure label="Open" testId="total-open" value={data.cases.open} />
              <Figure label="Closed" testId="total-closed" value={data.cases.closed} />
            </dl>
          </div>
          <div role="group" aria-label="Interceptions">
            <dl className="figures">
              <Figure label="Interceptions" testId="interceptions-total" value={data.interceptions.total} />
              <Figure label="Migrants" testId="interceptions-migrants" value={data.interceptions.migrants} />
              <Figure label="Deaths" testId="interceptions-deaths" value={data.interceptions.deaths} />
              <Figure label="Missing" testId="interceptions-missing" value={data.interceptions.missing} />
            </dl>
          </div>
        </div>
        <p>
          <a href={show('interceptions')}>Show all interceptions</a>
        </p>
      </section>

      <section aria-labelledby="counts-heading">
        <h3 id="counts-heading">Counts</h3>
        <div className="charts">
          <BarChart title="Cases by crime area" counts={data.counts.byCrimeArea} />
          <BarChart title="Cases by route" counts={data.counts.byRoute} />
          <BarChart title="Messages by type" counts={data.counts.byMessageType} />
          <BarChart title="Messages by priority" counts={data.counts.byPriority} />
          <BarChart title="Persons by role" counts={data.persons.byRole} />
        </div>
        <p>
          <a href={show('persons')}>Show all persons</a>
        </p>
      </section>

      <section aria-labelledby="map-heading">
        <h3 id="map-heading">Map</h3>
        <BoardMap
          locations={locations.data ?? boardLocations.recent}
          locationsTotal={boardLocations.total}
          legs={legs.legs}
          legsSkipped={legs.skipped}
          legCases={legCases.length}
        />
        <p>
          <a href={show('locations')}>Show all locations ({boardLocations.total})</a>
        </p>
      </section>

      <section aria-labelledby="documents-heading">
        <h3 id="documents-heading">Flagged documents ({documents.total})</h3>
        <p className="section-note">Documents whose current status is stolen, lost, forged, counterfeit or impostor use; newest first.</p>
        <DocumentsTable items={documents.recent} caption="The most recent flagged documents" />
        {documents.total > 0 && (
          <p>
            <a href={show('documents')}>Show all flagged documents ({documents.total})</a>
          </p>
        )}
      </section>

      <div className="two-columns">
        <section aria-labelledby="vessels-heading">
          <h3 id="vessels-heading">Vessels ({vessels.total})</h3>
          <VesselsTable items={vessels.recent} caption="The most recent vessels" />
          {vessels.total > 0 && (
            <p>
              <a href={show('vessels')}>Show all vessels ({vessels.total})</a>
            </p>
          )}
        </section>
        <section aria-labelledby="vehicles-heading">
          <h3 id="vehicles-heading">Vehicles ({vehicles.total})</h3>
          <VehiclesTable items={vehicles.recent} caption="The most recent vehicles" />
          {vehicles.total > 0 && (
            <p>
              <a href={show('vehicles')}>Show all vehicles ({vehicles.total})</a>
            </p>
          )}
        </section>
      </div>

      <BoardCases board={board} list={cases} total={data.cases.total} />
    </>
  );
}

function Figure({ label, testId, value }: { readonly label: string; readonly testId: string; readonly value: number }) {
  return (
    <div className="figure">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

/**
 * Every location of the board for the map, from its paged `…/locations`; the board's most recent ones when the
 * exchange has no such list (an exchange from before the boards were revised).
 */
async function allLocations(api: ExchangeApi, boardPath: string, recent: readonly BoardLocation[], signal: AbortSignal): Promise<readonly BoardLocation[]> {
  const locations: BoardLocation[] = [];
  let after: string | null = null;
  try {
    do {
      const page: ItemPage<BoardLocation> = await api.get(`${boardPath}/locations`, { after, limit: 200 }, { signal });
      locations.push(...page.items);
      after = page.nextCursor;
    } while (after !== null && locations.length < MAP_LOCATIONS);
  } catch (error) {
    if (isProblem(error) && error.problem.kind === 'refused' && (error.problem.status === 404 || error.problem.status === 400)) return recent;
    throw error;
  }
  return locations;
}

/** The route of each listed case, from its summary. */
async function routesOf(api: ExchangeApi, listed: readonly CaseListing[], signal: AbortSignal) {
  const summaries = await Promise.all(
    listed.map((item) =>
      api.get<CaseSummary>(`/v1/cases/${encodeURIComponent(item.caseId)}`, {}, { signal }).catch((error: unknown) => {
        if (isProblem(error) && error.problem.kind === 'refused') return undefined;
        throw error;
      }),
    ),
  );
  return summaries.flatMap((summary) => (summary?.route?.legs ? [{ caseId: summary.caseId, legs: summary.route.legs }] : []));
}
