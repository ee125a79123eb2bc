import { lazy, Suspense, useState } from 'react';
import { Link, NavLink, useParams } from 'react-router';
import { Dialog } from '../components/Dialog.tsx';
import { ErrorBoundary } from '../components/ErrorBoundary.tsx';
import { errorMessage } from '../lib/api.ts';
import { count, percent, plural } from '../lib/format.ts';
import { useDocumentTitle } from '../lib/use-document-title.ts';
import { ComparisonsList } from '../features/browse/ComparisonsList.tsx';
import { ExportPanel } from '../features/export/ExportPanel.tsx';
import { ImportPanel } from '../features/import/ImportPanel.tsx';
import { useProject } from '../features/projects/api/get-project.ts';
import { useUpdateProject } from '../features/projects/api/update-project.ts';
import { ProjectForm } from '../features/projects/ProjectForm.tsx';
import { SamplePanel } from '../features/sampling/SamplePanel.tsx';

// Charts are heavy and only researchers need them: loaded when the tab opens.
const QualityDashboard = lazy(() => import('../features/quality/QualityDashboard.tsx'));

export type ProjectTab = 'overview' | 'quality' | 'comparisons' | 'import' | 'export' | 'settings';
const tabs: Array<[ProjectTab, string]> = [
  ['overview', 'Overview'],
  ['quality', 'Quality'],
  ['comparisons', 'Comparisons'],
  ['import', 'Import'],
  ['export', 'Export'],
  ['settings', 'Settings'],
];

/** A researcher's console for one project: progress, browsing, import, export and settings. */
export function ProjectLayout({ tab }: { tab: ProjectTab }) {
  const { slug = '' } = useParams();
  const { data: project, error: loadError } = useProject(slug);
  const update = useUpdateProject(slug);
  const [confirmArchive, setConfirmArchive] = useState(false);
  const failure = update.error ?? loadError;
  const error = failure ? errorMessage(failure) : null;
  useDocumentTitle(tabs.find(([key]) => key === tab)![1], project?.name ?? slug);

  const setArchived = (archived: boolean) => {
    setConfirmArchive(false);
    update.mutate({ archived });
  };

  if (loadError && !project)
    return (
      <main className="page">
        <p role="alert" className="error">
          {errorMessage(loadError)}
        </p>
        <Link to="/">Back to projects</Link>
      </main>
    );
  if (!project) return <p className="page muted">Loading…</p>;
  const { progress } = project;
  const share = progress.comparisons ? progress.completed / progress.comparisons : 0;
  return (
    <main className="page">
      <p>
        <Link to="/">Projects</Link> /
      </p>
      <div className="page-head">
        <h1>
          {project.name}
          {project.archived && <span className="muted"> (archived)</span>}
        </h1>
        {!project.archived && (progress.availableToMe ?? 0) > 0 && (
          <Link className="button" to={`/projects/${slug}/rank`}>
            Rank
          </Link>
        )}
        <Link className="button" to={`/projects/${slug}/history`}>
          My rankings
        </Link>
      </div>
      <nav className="tabs" aria-label="Project">
        {tabs.map(([key, label]) => (
          <NavLink
            key={key}
            to={key === 'overview' ? `/projects/${slug}` : `/projects/${slug}/${key}`}
            end
            className={key === tab ? 'active' : undefined}
            aria-current={key === tab ? 'page' : undefined}
          >
            {label}
          </NavLink>
        ))}
      </nav>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {tab === 'overview' && (
        <section className="panel" aria-label="Progress">
          <dl className="figures">
            <div>
              <dt>Comparisons</dt>
              <dd data-testid="comparisons">{count(progress.comparisons)}</dd>
            </div>
            <div>
              <dt>Complete (ranked by {project.overlap})</dt>
              <dd data-testid="completed">{count(progress.completed)}</dd>
            </div>
            <div>
              <dt>Rankings</dt>
              <dd data-testid="rankings">{count(progress.rankings)}</dd>
            </div>
            <div>
              <dt>Still needed</dt>
              <dd>{plural(Math.max(0, progress.comparisons * project.overlap - progress.rankings), 'ranking')}</dd>
            </div>
          </dl>
          <label>
            Progress
            <progress max={1} value={share} aria-valuetext={`${percent(share, 0)} of comparisons complete`} />
          </label>
          <p className="muted">
            Ties {project.allowTies ? 'allowed' : 'not allowed'} · lease {count(project.leaseMinutes)} min · {plural(project.ratings.length, 'rating')} and{' '}
            {plural(project.flags.length, 'flag')} per answer
          </p>
          <SamplePanel slug={slug} hasModel={project.hasModel} k={project.sampling.k} />
          <div className="actions start">
            {project.archived ? (
              <button type="button" onClick={() => setArchived(false)}>
                Unarchive
              </button>
            ) : (
              <button type="button" onClick={() => setConfirmArchive(true)}>
                Archive…
              </button>
            )}
          </div>
        </section>
      )}
      {tab === 'quality' && (
        <ErrorBoundary>
          <Suspense fallback={<p className="muted">Loading charts…</p>}>
            <QualityDashboard slug={slug} />
          </Suspense>
        </ErrorBoundary>
      )}
      {tab === 'comparisons' && <ComparisonsList slug={slug} overlap={project.overlap} />}
      {tab === 'import' && <ImportPanel slug={slug} />}
      {tab === 'export' && <ExportPanel slug={slug} />}
      {tab === 'settings' && (
        <section className="panel" aria-label="Settings">
          <ProjectForm project={project} />
        </section>
      )}
      {confirmArchive && (
        <Dialog title="Archive this project?" onClose={() => setConfirmArchive(false)}>
          <p>
            Trainers will no longer see it or get work from it, and it takes no new answers. Everything stays stored and exportable, and you can unarchive it.
          </p>
          <div className="actions">
            <button type="button" onClick={() => setConfirmArchive(false)}>
              Cancel
            </button>
            <button type="button" className="primary" onClick={() => setArchived(true)}>
              Archive
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
