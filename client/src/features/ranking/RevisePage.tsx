import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import type { TrainerComparison } from '#shared/comparisons.ts';
import type { ProjectSummary } from '#shared/projects.ts';
import type { StoredRanking } from '#shared/rankings.ts';
import { errorMessage } from '../../lib/api.ts';
import { refreshProject } from '../../lib/react-query.ts';
import { useSession } from '../auth/session.tsx';
import { useProject } from '../projects/api/get-project.ts';
import { useMyComparison } from './api/get-my-comparison.ts';
import { RankingTask } from './components/RankingTask.tsx';
import type { Outcome } from './hooks/use-ranking-session.ts';
import { clearDraft, loadDraft, newDraft, saveDraft, type Draft } from './draft.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';

/** A stored ranking as a draft to change: its order and ties, ratings, flags and note. */
function draftFrom(stored: StoredRanking): Draft {
  return {
    ...newDraft(stored.ranking.flat()),
    tiedWithAbove: stored.ranking.flatMap((group) => group.slice(1)),
    ratings: stored.ratings,
    flags: stored.flags,
    note: stored.note,
    // The time on task goes on from the answer's: the revision's duration is all the time spent on it.
    elapsedMs: stored.durationMs ?? 0,
    // The order is the trainer's own answer, not the order as shown: it needs no confirming again.
    touched: true,
    revising: stored.revision,
  };
}

/** A trainer's submitted ranking, opened from their history (or "Change it"), to change and send again as a revision. */
export function RevisePage() {
  const { slug = '', comparisonId = '' } = useParams();
  const { user } = useSession();
  const project = useProject(slug);
  useDocumentTitle('Revise ranking', project.data?.name);
  const mine = useMyComparison(comparisonId);

  const failure = mine.error ?? project.error;
  if (failure) {
    return (
      <main className="page">
        <p role="alert" className="error">
          {errorMessage(failure)}
        </p>
        <Link to={`/projects/${slug}/history`}>Back to my rankings</Link>
      </main>
    );
  }
  if (!mine.data || !project.data) return <p className="page muted">Loading…</p>;
  const { comparison, ranking } = mine.data;
  // A link with another project's slug: the project's settings (ties, ratings) must be this comparison's.
  if (comparison.project !== slug) return <Navigate to={`/projects/${comparison.project}/history/${comparison.id}`} replace />;
  if (!ranking) {
    return (
      <main className="page">
        <p>You have not ranked this comparison yet: there is nothing to change.</p>
        <Link to={`/projects/${slug}/rank`}>Rank it</Link>
      </main>
    );
  }
  return <Revision key={comparison.id} project={project.data} comparison={comparison} ranking={ranking} username={user.username} />;
}

interface RevisionProps {
  project: ProjectSummary;
  comparison: TrainerComparison;
  ranking: StoredRanking;
  username: string;
}

function Revision({ project, comparison, ranking, username }: RevisionProps) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // Before RankingTask mounts, which reads the draft once: the stored ranking becomes the draft,
  // unless this revision is in progress already (the page reloaded). Any other draft is stale: one
  // of an earlier revision, or of the ranking as first made.
  useState(() => {
    const inProgress = loadDraft(
      username,
      comparison.id,
      comparison.candidates.map((c) => c.id),
    );
    if (inProgress?.revising !== ranking.revision) saveDraft(username, comparison.id, draftFrom(ranking));
  });

  // Only a ranking ends here: the server refuses to skip a comparison that was ranked, so the page offers no Skip.
  const finish = async (comparisonId: string, _outcome: Outcome, stored?: StoredRanking) => {
    clearDraft(username, comparisonId);
    const changed = stored?.revision !== ranking.revision;
    // The project's figures changed with the ranking; the history, not on screen now, is read afresh when it opens.
    if (changed) void refreshProject(queryClient, project.slug);
    await navigate(`/projects/${project.slug}/history`, { state: { notice: changed ? 'Ranking revised.' : 'Nothing changed: your ranking stays as it was.' } });
  };

  return (
    <RankingTask
      project={project}
      comparison={comparison}
      username={username}
      notice={null}
      onNoticeShown={() => undefined}
      skippable={false}
      finish={finish}
    />
  );
}
