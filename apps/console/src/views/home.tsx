import { useId, useState, type FormEvent } from 'react';
import type { CallerProfile, GroupMembership } from '../api/types';
import { ProblemMessage } from '../components/problem-message';
import { ViewHeading } from '../components/view-heading';
import { boardHash, caseHash, type BoardKind } from '../routes';
import { useSession } from '../session/session';
import { useResource } from '../session/use-resource';

/** The boards of the operations and task forces the party is a member of now (GET /v1/me, read again on each visit). */
export function Home() {
  const session = useSession();
  const me = useResource<CallerProfile>('me', (signal) => session.api.get('/v1/me', {}, { signal }));
  const profile = me.data ?? session.profile;
  const none = profile.operations.length === 0 && profile.taskForces.length === 0;
  return (
    <section aria-labelledby="boards-heading">
      <ViewHeading id="boards-heading" title="Your boards">
        Your boards
      </ViewHeading>
      <ProblemMessage problems={[me.problem]} onRetry={me.reload} />
      {none ? (
        <div className="empty-state">
          <p>{profile.party} is not a member of any operation or task force yet, so it has no board to show.</p>
          <p>
            An administrator of the exchange adds a party to an operation or a task force (the admin API,{' '}
            <code>PUT /v1/admin/operations/&#123;id&#125;/members</code>); its board appears here as soon as that is done. A case shared with {profile.party}{' '}
            directly can still be opened by its case id below.
          </p>
        </div>
      ) : (
        <div className="board-groups">
          <BoardLinks title="Operations" kind="operation" groups={profile.operations} />
          <BoardLinks title="Task forces" kind="task-force" groups={profile.taskForces} />
        </div>
      )}
      <OpenCase />
    </section>
  );
}

function OpenCase() {
  const id = useId();
  const [caseId, setCaseId] = useState('');
  const open = (event: FormEvent) => {
    event.preventDefault();
    if (caseId.trim() !== '') window.location.hash = caseHash(caseId.trim());
  };
  return (
    <section aria-labelledby={`${id}-heading`} className="open-case">
      <h3 id={`${id}-heading`}>Open a case</h3>
      <form onSubmit={open} className="inline-form">
        <label htmlFor={`${id}-case-id`}>Case id</label>
        <input
          id={`${id}-case-id`}
          type="text"
          spellCheck={false}
          value={caseId}
          onChange={(event) => setCaseId(event.target.value)}
          placeholder="IT-2026-000123"
        />
        <button type="submit">Open case</button>
      </form>
    </section>
  );
}

function BoardLinks({ title, kind, groups }: { readonly title: string; readonly kind: BoardKind; readonly groups: readonly GroupMembership[] }) {
  const headingId = `${kind}-boards-heading`;
  return (
    <section aria-labelledby={headingId} className="board-group">
      <h3 id={headingId}>{title}</h3>
      {groups.length === 0 ? (
        <p className="empty">None.</p>
      ) : (
        <ul className="board-links">
          {groups.map((group) => (
            <li key={group.id}>
              <a href={boardHash({ kind, id: group.id })}>{group.id}</a>
              <span className="members">Members: {group.members.join(', ')}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
