import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { researcherComparisonSchema } from '#shared/comparisons.ts';
import { api } from '../../../lib/api.ts';

// The contract's answer is a union of the trainer's and the researcher's view; this page asks as a
// researcher, and parsing with the union would take the first (trainer) shape and drop provenance.
const response = z.object({ comparison: researcherComparisonSchema });

export const getComparison = async (id: string) => (await api('GET', `/comparisons/${id}`, { schema: response })).comparison;

export const comparisonQueryKey = (id: string) => ['comparisons', id] as const;

export const comparisonQueryOptions = (id: string) => queryOptions({ queryKey: comparisonQueryKey(id), queryFn: () => getComparison(id) });

/** One comparison as a researcher sees it: context, candidates with provenance, every ranking. */
export const useComparison = (id: string) => useQuery(comparisonQueryOptions(id));
