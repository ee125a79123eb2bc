import { useState } from 'react';
import type { ProjectSummary } from '#shared/projects.ts';
import { rankingProblems } from '#shared/ranking-rules.ts';
import { errorMessage } from '../../../lib/api.ts';
import { useSkipComparison } from '../api/skip-comparison.ts';
import { useSubmitRanking } from '../api/submit-ranking.ts';
import type { LabelledCandidates } from '../components/CandidateList.tsx';
import { toSubmission, type Draft } from '../draft.ts';
import type { RankingDialogs } from './use-ranking-dialogs.ts';
import type { Outcome } from './use-ranking-session.ts';

interface Submission {
  comparisonId: string;
  project: ProjectSummary;
  candidates: LabelledCandidates;
  draft: Draft;
  elapsed: () => number;
  dialogs: RankingDialogs;
  finish: (comparisonId: string, outcome: Outcome) => Promise<void>;
}

/** The server's problems name candidates by id; the trainer knows them by letter. */
const inLetters = (problems: string[], candidates: LabelledCandidates) =>
  problems.map((p) => p.replace(/\b(\d+)\b/g, (id) => (candidates.has(id) ? `answer ${candidates.get(id)!.label}` : id))).join('. ');

/**
 * Sending one comparison's ranking or skip. The ranking is checked first with the server's own
 * rules; the order as shown, untouched, is sent only once the trainer confirms it.
 */
export function useRankingSubmission({ comparisonId, project, candidates, draft, elapsed, dialogs, finish }: Submission) {
  const [problem, setProblem] = useState<string | null>(null);
  // Pending until the next comparison is in: the button says "Saving…" and takes no second press.
  const submit = useSubmitRanking({ onSuccess: () => finish(comparisonId, 'ranked') });
  const skip = useSkipComparison({ onSuccess: () => void finish(comparisonId, 'skipped') });

  const send = (confirmedUntouched = false) => {
    if (submit.isPending) return;
    const body = toSubmission(draft, elapsed());
    const problems = rankingProblems(body, [...candidates.keys()], project);
    if (problems.length) {
      setProblem(inLetters(problems, candidates));
      return;
    }
    if (!draft.touched && !confirmedUntouched) {
      dialogs.show('confirm-untouched');
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
  return { send, skip: sendSkip, submitting: submit.isPending, error: problem ?? (failure ? errorMessage(failure) : null) };
}
