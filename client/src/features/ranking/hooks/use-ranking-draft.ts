import { useEffect, useState } from 'react';
import { loadDraft, newDraft, saveDraft, type Draft } from '../draft.ts';
import { useTimeOnTask } from './use-time-on-task.ts';

/**
 * One comparison's ranking in progress, kept in localStorage after every change and whenever the
 * page is hidden, so that a reload loses nothing, time on task included. Changes are the pure
 * functions of draft.ts: `update((d) => move(d, id, 2))`.
 */
export function useRankingDraft(username: string, comparisonId: string, candidateIds: string[]) {
  const [draft, setDraft] = useState<Draft>(() => loadDraft(username, comparisonId, candidateIds) ?? newDraft(candidateIds));
  // draft.elapsedMs stays what it was when the page opened; the time since is the hook's.
  const elapsed = useTimeOnTask(draft.elapsedMs, (elapsedMs) => saveDraft(username, comparisonId, { ...draft, elapsedMs }));

  useEffect(() => {
    saveDraft(username, comparisonId, { ...draft, elapsedMs: elapsed() });
  }, [draft, username, comparisonId, elapsed]);

  return { draft, update: setDraft as (change: (draft: Draft) => Draft) => void, elapsed };
}
