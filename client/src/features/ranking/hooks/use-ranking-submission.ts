import { useState } from 'react';
import { ApiError } from '#shared/api-error.ts';
import type { ProjectSummary } from '#shared/projects.ts';
import type { StoredRanking } from '#shared/rankings.ts';
import { missingRatings, rankingProblems } from '#shared/ranking-rules.ts';
import { errorMessage } from '../../../lib/api.ts';
import { useSkipComparison } from '../api/skip-comparison.ts';
import { useSubmitRanking } from '../api/submit-ranking.ts';
import type { LabelledCandidates } from '../components/CandidateList.tsx';
import { toGroups, toSubmission, type Draft } from '../draft.ts';
import type { RankingDialogs } from './use-ranking-dialogs.ts';
import type { Outcome } from './use-ranking-session.ts';

interface Submission {
  comparisonId: string;
  project: ProjectSummary;
  candidates: LabelledCandidates;
  draft: Draft;
  elapsed: () => number;
  dialogs: RankingDialogs;
  finish: (comparisonId: string, outcome: Outcome, stored?: StoredRanking) => Promise<void>;
}

/** "B", "B and D", "A, B and D". */
const listed = (items: string[]) => (items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : items.join(''));

/** The required ratings still missing, by the letters the trainer sees: "Rate “Overall” for answers B and D (marked above)." */
export function missingRatingsMessage(missing: ReturnType<typeof missingRatings>, candidates: LabelledCandidates) {
  const parts = missing.map(({ question, candidates: ids }) => {
    const which =
      ids.length === candidates.size && ids.length > 1
        ? 'every answer'
        : `answer${ids.length > 1 ? 's' : ''} ${listed(ids.map((id) => candidates.get(id)!.label))}`;
    return `“${question.label}” for ${which}`;
  });
  return `Rate ${parts.join('; ')} (marked above).`;
}

/**
 * What the page cannot fix by itself: the project's questions or ties changed since the page
 * opened, which only a reload shows. The server's own words for these name ids, for scripts.
 */
const STALE = 'This project’s settings changed since the page opened. Reload the page (your ranking so far is kept), check it and submit again.';
const forTrainers: Record<string, string> = {
  'ranking.invalid': STALE,
  'comparison.not_assigned': 'This comparison is no longer yours; your answer was not stored. Reload the page for the next one.',
};
const failureMessage = (failure: Error) => (failure instanceof ApiError && forTrainers[failure.code]) || errorMessage(failure);

/**
 * Sending one comparison's ranking or skip. The ranking is checked first with the server's own
 * rules: once the trainer has tried to submit with ratings missing, the page names them, from the
 * draft as it is now, until none is; a ranking that orders nothing (the order as shown, untouched,
 * or every answer tied) is sent only once the trainer confirms it.
 */
export function useRankingSubmission({ comparisonId, project, candidates, draft, elapsed, dialogs, finish }: Submission) {
  const [problem, setProblem] = useState<string | null>(null);
  // Tries refused before sending: from the first on, the page names and marks the ratings missing; each one shows why again.
  const [refusals, setRefusals] = useState(0);
  // Pending until the next comparison is in: the button says "Saving…" and takes no second press.
  const submit = useSubmitRanking({ onSuccess: (stored) => finish(comparisonId, 'ranked', stored) });
  const skip = useSkipComparison({ onSuccess: () => void finish(comparisonId, 'skipped') });
  const candidateIds = [...candidates.keys()];
  const missing = missingRatings(draft.ratings, candidateIds, project.ratings);
  const showMissing = refusals > 0 && missing.length > 0;

  const send = (confirmed = false) => {
    if (submit.isPending) return;
    if (missing.length) {
      setRefusals((n) => n + 1);
      return;
    }
    const body = toSubmission(draft, elapsed());
    if (rankingProblems(body, candidateIds, project).length) {
      setProblem(STALE);
      setRefusals((n) => n + 1);
      return;
    }
    const doubt = !draft.touched ? 'confirm-untouched' : toGroups(draft).length === 1 ? 'confirm-all-tied' : null;
    if (doubt && !confirmed) {
      dialogs.show(doubt);
      return;
    }
    dialogs.close();
    setProblem(null);
    skip.reset();
    submit.mutate({ comparisonId, body });
  };

  const sendSkip = (reason: string) => {
    setProblem(null);
    submit.reset();
    skip.mutate(
      { comparisonId, reason },
      {
        onSuccess: () => {
          dialogs.close();
          dialogs.skipForm.reset();
        },
      },
    );
  };

  const failure = submit.error ?? skip.error;
  return {
    send,
    skip: sendSkip,
    submitting: submit.isPending,
    /** A ranking or a skip is on its way, until the next comparison is in: the answer is what was sent. */
    sending: submit.isPending || skip.isPending,
    error: showMissing ? missingRatingsMessage(missing, candidates) : (problem ?? (failure ? failureMessage(failure) : null)),
    showMissingRatings: showMissing,
    refusals,
  };
}
