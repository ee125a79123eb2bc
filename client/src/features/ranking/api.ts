import { api } from '../../lib/api.ts';
import { nextComparisonSchema, type NextComparison } from '#shared/comparisons.ts';
import { storedRankingSchema, type SubmitRanking } from '#shared/rankings.ts';
import { z } from 'zod';

/** The comparison this trainer holds or the next one; null when nothing is left. */
export const fetchNext = async (slug: string): Promise<NextComparison | null> =>
  (await api('GET', `/projects/${encodeURIComponent(slug)}/next?kind=comparison`, { schema: nextComparisonSchema.optional() })) ?? null;

export const submitRanking = async (comparisonId: string, body: SubmitRanking) =>
  (await api('PUT', `/comparisons/${comparisonId}/ranking`, { body, schema: z.object({ ranking: storedRankingSchema }) })).ranking;

export const skipComparison = (comparisonId: string, reason: string) => api('POST', `/comparisons/${comparisonId}/skip`, { body: { reason } });
