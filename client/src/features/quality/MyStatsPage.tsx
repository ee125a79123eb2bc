import { Link, useParams } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { count, decimal, percent, seconds } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useProject } from '../projects/api/get-project.ts';
import { useLeaderboard } from './api/get-leaderboard.ts';
import { useMyStats } from './api/get-my-stats.ts';

/** A trainer's own figures in a project, and the leaderboard where the project has one. */
export function MyStatsPage() {
  const { slug = '' } = useParams();
  const { data: project, error: projectError } = useProject(slug);
  const { data: mine, error: mineError } = useMyStats(slug);
  // Asked only where the project shows one.
  const leaderboard = useLeaderboard(slug, { enabled: !!project?.leaderboard });
  const board = project?.leaderboard ? leaderboard.data?.trainers : undefined;
  const error = projectError ?? mineError ?? leaderboard.error;
  useDocumentTitle('My figures', project?.name);

  if (error)
    return (
      <main className="page">
        <p role="alert" className="error">
          {errorMessage(error)}
        </p>
      </main>
    );
  if (!project || !mine) return <p className="page muted">Loading…</p>;
  const me = mine.me;
  return (
    <main className="page">
      <p>
        <Link to="/">Projects</Link> / {project.name}
      </p>
      <h1>My figures</h1>
      {!me ? (
        <p>You have not ranked anything in this project yet.</p>
      ) : (
        <dl className="figures">
          <div>
            <dt>Rankings</dt>
            <dd>{count(me.rankings)}</dd>
          </div>
          <div>
            <dt>Agreement with the others</dt>
            <dd>{percent(me.agreement)}</dd>
          </div>
          <div>
            <dt>Kendall τ-b with the others</dt>
            <dd>{decimal(me.kendallTau)}</dd>
          </div>
          <div>
            <dt>Gold accuracy</dt>
            <dd>{percent(me.goldAccuracy)}</dd>
          </div>
          <div>
            <dt>My median time</dt>
            <dd>{seconds(me.medianMs)}</dd>
          </div>
          <div>
            <dt>Project median time</dt>
            <dd>{seconds(mine.projectMedianMs)}</dd>
          </div>
        </dl>
      )}
      {board && (
        <>
          <h2>Leaderboard</h2>
          <table className="list" aria-label="Leaderboard">
            <thead>
              <tr>
                <th scope="col">Trainer</th>
                <th scope="col">Rankings</th>
                <th scope="col">Agreement</th>
                <th scope="col">Gold</th>
              </tr>
            </thead>
            <tbody>
              {board.map((t) => (
                <tr key={t.username} className={t.username === me?.username ? 'alert-row' : undefined}>
                  <td>{t.username}</td>
                  <td>{count(t.rankings)}</td>
                  <td>{percent(t.agreement)}</td>
                  <td>{percent(t.goldAccuracy)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
