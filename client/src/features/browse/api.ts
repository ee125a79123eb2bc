import { z } from 'zod';
import { comparisonListSchema, researcherComparisonSchema } from '#shared/comparisons.ts';
import { api } from '../../lib/api.ts';

export const fetchComparisons = (slug: string, query: { after: number; status: string }) =>
  api('GET', `/projects/${slug}/comparisons?${new URLSearchParams({ after: String(query.after), status: query.status, limit: '50' })}`, {
    schema: comparisonListSchema,
  });

export const fetchComparison = async (id: string) =>
  (await api('GET', `/comparisons/${id}`, { schema: z.object({ comparison: researcherComparisonSchema }) })).comparison;
