import type { NextComparison } from '#shared/comparisons.ts';
import type { StoredRanking, SubmitRanking } from '#shared/rankings.ts';
import { api } from '../../lib/api.ts';

// The trainer's path: answers are typed, not checked at run time, so zod stays out of this page.

/** The comparison this trainer holds or the next one; null when nothing is left. */
export const fetchNext = async (slug: string): Promise<NextComparison | null> =>
  (await api<NextComparison | undefined>('GET', `/projects/${encodeURIComponent(slug)}/next?kind=comparison`)) ?? null;

export const submitRanking = async (comparisonId: string, body: SubmitRanking) =>
  (await api<{ ranking: StoredRanking }>('PUT', `/comparisons/${comparisonId}/ranking`, { body })).ranking;

export const skipComparison = (comparisonId: string, reason: string) => api('POST', `/comparisons/${comparisonId}/skip`, { body: { reason } });
