import { Link, useLocation, useParams } from 'react-router';
import { formatOrder, shownLabels } from '#shared/answer-labels.ts';
import { RelativeTime } from '../../components/RelativeTime.tsx';
import { errorMessage } from '../../lib/api.ts';
import { useProject } from '../projects/api/get-project.ts';
import { useMyRankings } from './api/get-my-rankings.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';

const revisions = (revision: number) => (revision === 1 ? 'none' : String(revision - 1));

/** A trainer's own rankings in a project, newest first, each to open and change. */
export function HistoryPage() {
  const { slug = '' } = useParams();
  // The revise page comes back here with what it did.
  const notice = (useLocation().state as { notice?: string } | null)?.notice;
  const project = useProject(slug);
  useDocumentTitle('My rankings', project.data?.name);
  const mine = useMyRankings(slug);
  const rankings = mine.data?.pages.flatMap((page) => page.rankings) ?? [];

  const failure = project.error ?? mine.error;
  return (
    <main className="page">
      <p>
        <Link to="/">Projects</Link> / {project.data?.name ?? slug}
      </p>
      <div className="page-head">
        <h1>My rankings</h1>
        {project.data && !project.data.archived && (
          <Link className="button" to={`/projects/${slug}/rank`}>
            Rank
          </Link>
        )}
      </div>
      {notice && <p role="status">{notice}</p>}
      {failure && (
        <p role="alert" className="error">
          {errorMessage(failure)}
        </p>
      )}
      {mine.isPending && !failure && <p className="muted">Loading…</p>}
      {mine.isSuccess && rankings.length === 0 && !mine.hasNextPage && <p>You have not ranked anything in this project yet.</p>}
      {rankings.length > 0 && (
        <div className="scroll">
          <table className="list" aria-label="My rankings">
            <thead>
              <tr>
                <th scope="col">Ranked</th>
                <th scope="col">Prompt</th>
                <th scope="col">Your order</th>
                <th scope="col">Revisions</th>
                <th scope="col">
                  <span className="visually-hidden">Change</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rankings.map((r) => (
                <tr key={r.comparisonId} data-comparison-id={r.comparisonId}>
                  <td>
                    <RelativeTime iso={r.createdAt} />
                  </td>
                  <td>{r.prompt || <span className="muted">(empty)</span>}</td>
                  <td className="order">{formatOrder(r.ranking, shownLabels(r.shownOrder))}</td>
                  <td data-testid="revisions">{revisions(r.revision)}</td>
                  <td>
                    <Link to={`/projects/${slug}/history/${r.comparisonId}`}>Revise</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {mine.hasNextPage && (
        <p>
          <button type="button" onClick={() => void mine.fetchNextPage()} disabled={mine.isFetchingNextPage}>
            {mine.isFetchingNextPage ? 'Loading…' : 'Show older'}
          </button>
        </p>
      )}
    </main>
  );
}
