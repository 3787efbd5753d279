import { useState, type ReactNode } from 'react';
import { isProblem, KEY_REJECTED_TEXT, type Problem } from '../api/exchange-api';
import type { CaseSummary, Timeline, TimelineEntry } from '../api/types';
import { ProblemMessage } from '../components/problem-message';
import { ViewHeading } from '../components/view-heading';
import { plural, utcTime, words } from '../format';
import { boardHash, caseHash } from '../routes';
import { useSession } from '../session/session';
import { useResource } from '../session/use-resource';

const TIMELINE_PAGE = 100;

/** A case as this party sees it: its summary (GET /v1/cases/{id}) and its timeline (…/timeline, paged by version). */
export function CaseView({ caseId }: { readonly caseId: string }) {
  const { api, profile, signOut } = useSession();
  const path = `/v1/cases/${encodeURIComponent(caseId)}`;
  const summary = useResource<CaseSummary>(`summary ${path}`, (signal) => api.get(path, {}, { signal }));
  const first = useResource<Timeline>(`timeline ${path}`, (signal) => api.get(`${path}/timeline`, { afterVersion: 0, limit: TIMELINE_PAGE }, { signal }));
  const [later, setLater] = useState<{ forRevision: number; entries: readonly TimelineEntry[]; nextAfterVersion: number | null }>();
  const [laterProblem, setLaterProblem] = useState<Problem>();
  const [loadingLater, setLoadingLater] = useState(false);

  const current = later?.forRevision === first.revision ? later : undefined;
  const entries = first.data ? [...first.data.entries, ...(current?.entries ?? [])] : undefined;
  const nextAfterVersion = current ? current.nextAfterVersion : (first.data?.nextAfterVersion ?? null);
  const loadLater = () => {
    if (nextAfterVersion === null) return;
    const revision = first.revision;
    setLoadingLater(true);
    api
      .get<Timeline>(`${path}/timeline`, { afterVersion: nextAfterVersion, limit: TIMELINE_PAGE })
      .then((page) => {
        setLater({ forRevision: revision, entries: [...(current?.entries ?? []), ...page.entries], nextAfterVersion: page.nextAfterVersion });
        setLaterProblem(undefined);
      })
      .catch((error: unknown) => {
        if (isProblem(error) && error.problem.kind === 'key-rejected') return signOut(KEY_REJECTED_TEXT);
        setLaterProblem(isProblem(error) ? error.problem : { kind: 'unreachable', status: null });
      })
      .finally(() => setLoadingLater(false));
  };
  const refresh = () => {
    summary.reload();
    first.reload();
  };
  const memberOf = new Set([...profile.operations, ...profile.taskForces].map((group) => group.id));

  return (
    <article aria-labelledby="case-heading" className="case">
      <ViewHeading id="case-heading" title={caseId}>
        {caseId}
      </ViewHeading>
      <ProblemMessage problems={[summary.problem, first.problem, laterProblem]} onRetry={refresh} />
      {(summary.loading || first.loading) && <p className="loading">Loading the case…</p>}
      {summary.data && <Summary summary={summary.data} memberOf={memberOf} />}
      {entries && (
        <section aria-labelledby="timeline-heading">
          <h3 id="timeline-heading">Timeline</h3>
          <p className="section-note">
            The messages of this case {profile.party} is entitled to, in case-version order
            {first.data ? ` (the case is at version ${first.data.version})` : ''}. On {profile.party}'s own messages, who received them and who acknowledged
            them.{' '}
            <button type="button" className="secondary" onClick={refresh}>
              Refresh
            </button>
          </p>
          <ol aria-label="Timeline" className="timeline">
            {entries.map((entry) => (
              <TimelineItem key={entry.caseVersion} entry={entry} />
            ))}
          </ol>
          {nextAfterVersion !== null && (
            <button type="button" onClick={loadLater} disabled={loadingLater}>
              {loadingLater ? 'Loading…' : 'Show later messages'}
            </button>
          )}
        </section>
      )}
    </article>
  );
}

function Summary({ summary, memberOf }: { readonly summary: CaseSummary; readonly memberOf: ReadonlySet<string> }) {
  const boardLink = (kind: 'operation' | 'task-force', id: string) =>
    memberOf.has(id) ? (
      <a key={id} href={boardHash({ kind, id })}>
        {id}
      </a>
    ) : (
      <span key={id}>{id}</span>
    );
  const joined = (nodes: readonly ReactNode[]) => (nodes.length === 0 ? '—' : nodes.flatMap((node, index) => (index === 0 ? [node] : [', ', node])));
  return (
    <section aria-labelledby="summary-heading" className="summary">
      <h3 id="summary-heading">Summary</h3>
      {summary.title && <p className="case-title">{summary.title}</p>}
      {summary.summary && <p>{summary.summary}</p>}
      <dl className="facts">
        <Fact label="Status">
          <span className={`status status-${summary.status}`}>{summary.status}</span>
          {summary.closedReason ? ` (${words(summary.closedReason)})` : ''}
        </Fact>
        <Fact label="Owner">{summary.owner ?? 'not known to you'}</Fact>
        <Fact label="Version">{summary.version}</Fact>
        <Fact label="Last activity">{utcTime(summary.lastActivityAt)}</Fact>
        <Fact label="Crime areas">{summary.crimeAreas.map(words).join(', ') || '—'}</Fact>
        <Fact label="Route">{summary.route ? words(summary.route.name) : '—'}</Fact>
        <Fact label="Operations">{joined(summary.operations.map((id) => boardLink('operation', id)))}</Fact>
        <Fact label="Task forces">{joined(summary.taskForces.map((id) => boardLink('task-force', id)))}</Fact>
        <Fact label="Reported">
          {[
            plural(summary.persons.length, 'person'),
            plural(summary.documents.length, 'document'),
            plural(summary.vessels.length, 'vessel'),
            plural(summary.vehicles.length, 'vehicle'),
            plural(summary.locations.length, 'location'),
          ].join(', ')}
        </Fact>
        {summary.linkedCases.length > 0 && (
          <Fact label="Linked cases">
            {joined(
              summary.linkedCases.map((link) => (
                <span key={link.otherCaseId}>
                  <a href={caseHash(link.otherCaseId)}>{link.otherCaseId}</a> ({words(link.relation)})
                </span>
              )),
            )}
          </Fact>
        )}
      </dl>
      {summary.route?.legs && summary.route.legs.length > 0 && (
        <>
          <h4>Route legs</h4>
          <ol className="legs">
            {summary.route.legs.map((leg, index) => (
              <li key={index}>
                {leg.from.place ? `${leg.from.place}, ` : ''}
                {leg.from.country} → {leg.to.place ? `${leg.to.place}, ` : ''}
                {leg.to.country}
                {leg.mode ? ` by ${leg.mode}` : ''}
                {leg.conveyance ? ` (${words(leg.conveyance)})` : ''}
              </li>
            ))}
          </ol>
        </>
      )}
      {summary.interceptions.length > 0 && (
        <>
          <h4>Interceptions</h4>
          <ul>
            {summary.interceptions.map((interception, index) => (
              <li key={index}>
                {utcTime(interception.occurredAt)}: {plural(interception.migrants, 'migrant')}, {plural(interception.deaths, 'death')}, {interception.missing}{' '}
                missing
              </li>
            ))}
          </ul>
        </>
      )}
      {summary.persons.length > 0 && (
        <>
          <h4>Persons</h4>
          <div className="table-scroll">
            <table>
              <caption>Persons of the case, as reported so far</caption>
              <thead>
                <tr>
                  <th scope="col">Ref</th>
                  <th scope="col">Role</th>
                  <th scope="col">Name</th>
                  <th scope="col">Nationalities</th>
                </tr>
              </thead>
              <tbody>
                {summary.persons.map((person) => (
                  <tr key={person.ref}>
                    <td>{person.ref}</td>
                    <td>{person.role ? words(person.role) : '—'}</td>
                    <td>
                      {person.erased ? 'erased' : person.restricted ? 'restricted' : [person.givenName, person.familyName].filter(Boolean).join(' ') || '—'}
                    </td>
                    <td>{person.nationalities?.join(', ') || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function Fact({ label, children }: { readonly label: string; readonly children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function TimelineItem({ entry }: { readonly entry: TimelineEntry }) {
  return (
    <li className="timeline-entry">
      <p className="entry-head">
        <span className="entry-version">Version {entry.caseVersion}</span> <span className="entry-type">{entry.type}</span>{' '}
        <span className="entry-sender">from {entry.sender}</span>
      </p>
      <p className="entry-meta">
        Sent {utcTime(entry.sentAt)} · received {utcTime(entry.receivedAt)} · priority {entry.priority}
        {entry.handling ? ` · handling ${entry.handling.code}` : ''}
        {entry.evaluation ? ` · evaluation ${entry.evaluation.source}${entry.evaluation.information}` : ''}
      </p>
      <details>
        <summary>Message body</summary>
        <pre>{JSON.stringify(entry.body, null, 2)}</pre>
      </details>
      {entry.recipients && <Recipients recipients={entry.recipients} />}
    </li>
  );
}

function Recipients({ recipients }: { readonly recipients: NonNullable<TimelineEntry['recipients']> }) {
  if (recipients.length === 0) return <p className="empty">No party has received this message yet.</p>;
  return (
    <table className="recipients">
      <caption>Recipients</caption>
      <thead>
        <tr>
          <th scope="col">Party</th>
          <th scope="col">Channel</th>
          <th scope="col">Delivered</th>
          <th scope="col">Acknowledged</th>
        </tr>
      </thead>
      <tbody>
        {recipients.map((recipient) => (
          <tr key={`${recipient.party} ${recipient.channel}`}>
            <th scope="row">{recipient.party}</th>
            <td>{recipient.channel}</td>
            <td>{recipient.deliveredAt ? utcTime(recipient.deliveredAt) : 'not yet'}</td>
            <td>{recipient.acknowledgedAt ? utcTime(recipient.acknowledgedAt) : 'not yet'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
