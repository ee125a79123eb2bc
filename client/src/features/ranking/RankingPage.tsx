import { Link, useParams } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { useSession } from '../auth/session.tsx';
import { useProject } from '../projects/api/get-project.ts';
import { RankingTask } from './components/RankingTask.tsx';
import { useRankingSession } from './hooks/use-ranking-session.ts';

/** The trainer's ranking page: one comparison after another until none is left. */
export function RankingPage() {
  const { slug = '' } = useParams();
  const { user } = useSession();
  const project = useProject(slug);
  const session = useRankingSession(slug, user.username);
  const { next } = session;

  const failure = next.error ?? project.error;
  if (failure) {
    return (
      <div className="page">
        <p role="alert" className="error">
          {errorMessage(failure)}
        </p>
        <Link to="/">Back to projects</Link>
      </div>
    );
  }
  if (next.isPending || (next.data && !project.data)) return <p className="page muted">Loading…</p>;
  if (!next.data) {
    return (
      <div className="page done" role="status">
        <h1>All done</h1>
        <p>
          There is nothing left for you to rank in {project.data?.name ?? slug}
          {session.completed ? `: you ranked ${session.completed} in this sitting. Thank you!` : '.'}
        </p>
        <p>
          <Link to="/">Back to projects</Link>
        </p>
      </div>
    );
  }
  const { comparison } = next.data;
  return (
    <RankingTask
      key={comparison.id}
      project={project.data!}
      comparison={comparison}
      username={user.username}
      notice={session.notice}
      onNoticeShown={session.clearNotice}
      finish={session.finish}
    />
  );
}
