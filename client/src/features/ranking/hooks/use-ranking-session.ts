import { useEffect, useState } from 'react';
import { useNextComparison } from '../api/get-next-comparison.ts';
import { checkAgainIn, useQueueState } from '../api/get-queue-state.ts';
import { clearDraft } from '../draft.ts';

export type Outcome = 'ranked' | 'skipped';

/** What the page says happened to the last comparison, and the ranking its Undo opens again (none after a skip). */
export interface Notice {
  text: string;
  undoId: string | null;
}

/**
 * A trainer's sitting on the ranking page: the comparison they hold and, once they are done with
 * it, the next one, without a page load. How many they ranked, the last one they ranked (to change
 * it) and the last thing that happened ("Ranking saved.") last for the sitting.
 *
 * When nothing is left for them but others hold the rest, the page waits: it asks `next` again
 * when the first of those leases ends, or sooner at a modest interval (a skip frees one early), and
 * stops when the page closes.
 */
export function useRankingSession(slug: string, username: string) {
  const next = useNextComparison(slug);
  const [completed, setCompleted] = useState(0);
  const [lastRankedId, setLastRankedId] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const nothingLeft = next.isSuccess && next.data === null;
  const queue = useQueueState(slug, { enabled: nothingLeft });
  const held = nothingLeft ? queue.data : undefined;
  const waiting = held !== undefined && held.heldByOthers > 0;
  const { refetch: askNext } = next;
  const { refetch: askQueue } = queue;

  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => {
      void askNext().then(({ data }) => {
        if (data === null) void askQueue();
      });
    }, checkAgainIn(held));
    return () => clearTimeout(timer);
    // A failed check is tried again at the same interval: its error changes errorUpdatedAt.
  }, [waiting, held, queue.errorUpdatedAt, askNext, askQueue]);

  /** The trainer is done with a comparison: its draft goes, and the next comparison is asked for (resolves once it is in). */
  const finish = async (comparisonId: string, outcome: Outcome) => {
    clearDraft(username, comparisonId);
    if (outcome === 'ranked') {
      setCompleted((n) => n + 1);
      setLastRankedId(comparisonId);
    }
    setNotice(outcome === 'ranked' ? { text: 'Ranking saved.', undoId: comparisonId } : { text: 'Skipped.', undoId: null });
    const { data } = await next.refetch();
    // The done page says it its own way; a comparison that comes back later must not greet with it.
    if (data === null) setNotice(null);
  };

  return {
    next,
    /** With nothing left for now: what others hold, once known (undefined if it could not be asked). */
    queue: held,
    queuePending: nothingLeft && queue.isPending && queue.fetchStatus !== 'idle',
    completed,
    lastRankedId,
    notice,
    clearNotice: () => setNotice(null),
    finish,
  };
}
