import { Link } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { count, plural } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useSession } from '../auth/session.tsx';
import { AVAILABLE_TO_ME_LIMIT } from '#shared/queue-limits.ts';
import { useProjects } from './api/get-projects.ts';

export function ProjectsPage() {
  const { user } = useSession();
  const { data: projects, error } = useProjects();
  const researcher = user.role !== 'trainer';
  useDocumentTitle('Projects');

  if (error)
    return (
      <p role="alert" className="page error">
        {errorMessage(error)}
      </p>
    );
  if (!projects) return <p className="page muted">Loading…</p>;
  return (
    <main className="page">
      <div className="page-head">
        <h1>Projects</h1>
        {researcher && (
          <Link className="button primary" to="/projects/new">
            New project
          </Link>
        )}
      </div>
      {projects.length === 0 && <p>{researcher ? 'No projects yet: create one to import conversations into.' : 'No projects have work for you yet.'}</p>}
      <ul className="projects">
        {projects.map((p) => {
          const left = p.progress.availableToMe ?? 0;
          return (
            <li key={p.slug} className="project">
              <div className="project-main">
                <h2>
                  {researcher ? <Link to={`/projects/${p.slug}`}>{p.name}</Link> : p.name}
                  {p.archived && <span className="muted"> (archived)</span>}
                </h2>
                <p className="muted">
                  {left === 0
                    ? 'Nothing left for you'
                    : `${left >= AVAILABLE_TO_ME_LIMIT ? `${count(left)}+ comparisons` : plural(left, 'comparison')} left for you`}
                  {researcher &&
                    ` · ${count(p.progress.completed)} of ${plural(p.progress.comparisons, 'comparison')} complete · ${plural(p.progress.rankings, 'ranking')} · overlap ${p.overlap}`}
                </p>
              </div>
              {!p.archived && (
                <div className="actions">
                  {left > 0 ? (
                    <Link className="button primary" to={`/projects/${p.slug}/rank`}>
                      Start ranking
                    </Link>
                  ) : (
                    <span className="muted">All ranked</span>
                  )}
                  <Link className="button" to={`/projects/${p.slug}/demonstrate`}>
                    Write a demonstration
                  </Link>
                  {p.hasModel && (
                    <Link className="button" to={`/projects/${p.slug}/chat`}>
                      Chat with the model
                    </Link>
                  )}
                  <Link className="button" to={`/projects/${p.slug}/history`}>
                    My rankings
                  </Link>
                  <Link className="button" to={`/projects/${p.slug}/me`}>
                    My figures
                  </Link>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </main>
  );
}
