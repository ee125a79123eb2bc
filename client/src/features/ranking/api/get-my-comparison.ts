import { queryOptions, useQuery } from '@tanstack/react-query';
import type { historyApi } from '#shared/contract/history.ts';
import type { RouteResponse } from '#shared/contract/route.ts';
import { api } from '../../../lib/api.ts';

/** A comparison the trainer was given, as they were shown it, with their current ranking (typed by the contract: decision 0003). */
export const getMyComparison = (comparisonId: string) =>
  api<RouteResponse<typeof historyApi.comparison>>('GET', `/comparisons/${encodeURIComponent(comparisonId)}/mine`);

/**
 * Read afresh each time the page opens and forgotten once it closes: the page seeds its draft from
 * the ranking, which must be the one stored now, not one cached before the last revision.
 */
export const myComparisonQueryOptions = (comparisonId: string) =>
  queryOptions({
    queryKey: ['comparisons', comparisonId, 'mine'],
    queryFn: () => getMyComparison(comparisonId),
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

export const useMyComparison = (comparisonId: string) => useQuery(myComparisonQueryOptions(comparisonId));
