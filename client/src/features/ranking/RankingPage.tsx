import { Link, useParams } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useSession } from '../auth/session.tsx';
import { useProject } from '../projects/api/get-project.ts';
import { minutesUntilBack } from './api/get-queue-state.ts';
import { RankingTask } from './components/RankingTask.tsx';
import { useRankingSession } from './hooks/use-ranking-session.ts';

/** The trainer's ranking page: one comparison after another until none is left. */
export function RankingPage() {
  const { slug = '' } = useParams();
  const { user } = useSession();
  const project = useProject(slug);
  const session = useRankingSession(slug, user.username);
  const { next, queue } = session;
  useDocumentTitle('Ranking', project.data?.name);

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
  if (next.isPending || (next.data && !project.data) || session.queuePending) return <p className="page muted">Loading…</p>;
  if (!next.data) {
    const thanks = session.completed ? `You ranked ${session.completed} in this sitting. Thank you!` : '';
    return (
      <div className="page done" role="status">
        {queue && queue.heldByOthers > 0 ? (
          <>
            <h1>All done for now</h1>
            <p>The rest is being worked on by others; more may come back in {minutesUntilBack(queue)}. This page checks again by itself.</p>
            {thanks && <p>{thanks}</p>}
          </>
        ) : (
          <>
            <h1>All done</h1>
            <p>
              There is nothing left for you to rank in {project.data?.name ?? slug}
              {session.completed ? `: you ranked ${session.completed} in this sitting. Thank you!` : '.'}
            </p>
          </>
        )}
        {session.lastRankedId && (
          <p>
            <Link to={`/projects/${slug}/history/${session.lastRankedId}`}>Change your last ranking</Link>
          </p>
        )}
        <p>
          <Link to={`/projects/${slug}/history`}>My rankings</Link> · <Link to="/">Back to projects</Link>
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
