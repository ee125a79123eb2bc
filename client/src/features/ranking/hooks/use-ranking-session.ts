import { useState } from 'react';
import { useNextComparison } from '../api/get-next-comparison.ts';
import { clearDraft } from '../draft.ts';

export type Outcome = 'ranked' | 'skipped';

/**
 * A trainer's sitting on the ranking page: the comparison they hold and, once they are done with
 * it, the next one, without a page load. How many they ranked and the last thing that happened
 * ("Ranking saved.") last for the sitting.
 */
export function useRankingSession(slug: string, username: string) {
  const next = useNextComparison(slug);
  const [completed, setCompleted] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);

  /** The trainer is done with a comparison: its draft goes, and the next comparison is asked for (resolves once it is in). */
  const finish = async (comparisonId: string, outcome: Outcome) => {
    clearDraft(username, comparisonId);
    if (outcome === 'ranked') setCompleted((n) => n + 1);
    setNotice(outcome === 'ranked' ? 'Ranking saved.' : 'Skipped.');
    await next.refetch();
  };

  return { next, completed, notice, clearNotice: () => setNotice(null), finish };
}
