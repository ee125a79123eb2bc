import { queryOptions, useQuery } from '@tanstack/react-query';
import type { NextComparison } from '#shared/comparisons.ts';
import type { comparisonsApi } from '#shared/contract/comparisons.ts';
import type { RouteResponse } from '#shared/contract/route.ts';
import { api } from '../../../lib/api.ts';

// The trainer's path: answers are typed by the route's contract, not checked at run time, so zod
// stays out of this page (decision 0003).

/** The comparison this trainer holds or the next one; null when nothing is left. */
export const getNextComparison = async (slug: string): Promise<NextComparison | null> =>
  (await api<RouteResponse<typeof comparisonsApi.next>>('GET', `/projects/${encodeURIComponent(slug)}/next?kind=comparison`)) ?? null;

/**
 * Asking for the next comparison leases it to the trainer, so it is asked when the page opens and
 * when the trainer is done with one (`refetch`), never on its own: no retry, no refetch on focus or
 * reconnect, never stale while the page is open (StrictMode's second mount shares the first
 * request), and forgotten once the page closes, so that the next visit asks the server again.
 * Its key is outside `['projects', …]` so that invalidating a project never takes a comparison.
 */
export const nextComparisonQueryOptions = (slug: string) =>
  queryOptions({
    queryKey: ['next-comparison', slug],
    queryFn: () => getNextComparison(slug),
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

export const useNextComparison = (slug: string) => useQuery(nextComparisonQueryOptions(slug));
