import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { z } from 'zod';
import { exportFormats } from '#shared/exports.ts';
import { projectSummarySchema, type ProjectSummary } from '#shared/projects.ts';
import { api, errorMessage } from '../../lib/api.ts';
import { useSession } from '../auth/session.tsx';

const fetchProjects = async () => (await api('GET', '/projects', { schema: z.object({ projects: z.array(projectSummarySchema) }) })).projects;

export function ProjectsPage() {
  const { user } = useSession();
  const [projects, setProjects] = useState<ProjectSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const researcher = user.role !== 'trainer';

  useEffect(() => {
    fetchProjects().then(setProjects, (e) => setError(errorMessage(e)));
  }, []);

  if (error) return <p role="alert" className="page error">{error}</p>;
  if (!projects) return <p className="page muted">Loading…</p>;
  return (
    <main className="page">
      <h1>Projects</h1>
      {projects.length === 0 && <p>{researcher ? 'No projects yet. Create one with `npx ordinal projects create <slug>`.' : 'No projects have work for you yet.'}</p>}
      <ul className="projects">
        {projects
          .filter((p) => researcher || !p.archived)
          .map((p) => {
            const left = p.progress.availableToMe ?? 0;
            return (
              <li key={p.slug} className="project">
                <div className="project-main">
                  <h2>{p.name}{p.archived && <span className="muted"> (archived)</span>}</h2>
                  <p className="muted">
                    {left === 0 ? 'Nothing left for you' : `${left} comparison${left === 1 ? '' : 's'} left for you`}
                    {researcher && ` · ${p.progress.completed} of ${p.progress.comparisons} comparisons complete · ${p.progress.rankings} rankings · overlap ${p.overlap}`}
                  </p>
                  {researcher && (
                    <p className="exports">
                      Download:{' '}
                      {exportFormats.map((f) => (
                        <a key={f} href={`/api/v1/projects/${p.slug}/export?format=${f}`} download>
                          {f}
                        </a>
                      ))}
                    </p>
                  )}
                </div>
                {left > 0 && !p.archived ? (
                  <Link className="button primary" to={`/projects/${p.slug}/rank`}>
                    Start ranking
                  </Link>
                ) : (
                  <span className="muted">All done</span>
                )}
              </li>
            );
          })}
      </ul>
    </main>
  );
}
