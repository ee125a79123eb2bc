import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { ComparisonStatus } from '#shared/comparisons.ts';
import { comparisonsApi } from '#shared/contract/comparisons.ts';
import { callRoute } from '../../../lib/api.ts';

/** What the researcher searches, filters and sorts the list by (GET /projects/:slug/comparisons, docs/api.md). */
export interface ComparisonFilters {
  status: ComparisonStatus;
  disputedBelow: number;
  sort: 'id' | 'agreement';
  order: 'asc' | 'desc';
  q?: string;
  metaKey?: string;
  metaValue?: string;
}

export const PAGE = 50;

interface Cursor {
  after: number;
  afterAgreement?: number;
}

export const getComparisons = (slug: string, filters: ComparisonFilters, cursor: Cursor) =>
  callRoute(comparisonsApi.list, { params: { slug }, query: { ...filters, ...cursor, limit: PAGE } });

/** Whether the list is asked through the search index, which can lag just behind an import. */
export const isSearch = (filters: ComparisonFilters) => Boolean(filters.q?.trim() || filters.metaKey?.trim());

export const comparisonsQueryKey = (slug: string) => ['projects', slug, 'comparisons'] as const;

export const comparisonsQueryOptions = (slug: string, filters: ComparisonFilters) =>
  infiniteQueryOptions({
    queryKey: [...comparisonsQueryKey(slug), filters],
    queryFn: ({ pageParam }) => getComparisons(slug, filters, pageParam),
    initialPageParam: { after: 0 } as Cursor,
    getNextPageParam: (last): Cursor | undefined =>
      last.nextAfter === null ? undefined : { after: last.nextAfter, afterAgreement: last.nextAfterAgreement ?? undefined },
    // A new filter shows the old rows until its own arrive, rather than an empty table.
    placeholderData: keepPreviousData,
    // A search misses comparisons the server has not indexed yet (just imported): asked again until it has.
    refetchInterval: (query) => (isSearch(filters) && (query.state.data?.pages[0]?.searchPending ?? 0) > 0 ? 1000 : false),
  });

/**
 * A project's comparisons as filtered, 50 a page; `fetchNextPage` reads on. A page can hold fewer
 * than 50 before the end: the server looks through a bounded number of comparisons per request.
 */
export const useComparisons = (slug: string, filters: ComparisonFilters) => useInfiniteQuery(comparisonsQueryOptions(slug, filters));
