import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { historyApi } from '#shared/contract/history.ts';
import { callRoute } from '../../../lib/api.ts';

export const PAGE = 20;

export const getMyRankings = (slug: string, before: number | undefined) => callRoute(historyApi.rankings, { params: { slug }, query: { before, limit: PAGE } });

export const myRankingsQueryOptions = (slug: string) =>
  infiniteQueryOptions({
    queryKey: ['projects', slug, 'my-rankings'],
    queryFn: ({ pageParam }) => getMyRankings(slug, pageParam),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });

/**
 * The logged-in user's own rankings in a project, newest first, 20 a page; `fetchNextPage` reads
 * on. A page can hold fewer than 20 before the end: the server looks through a bounded number of
 * the user's rankings per request, those in other projects included.
 */
export const useMyRankings = (slug: string) => useInfiniteQuery(myRankingsQueryOptions(slug));
