import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { comparisonListQuerySchema } from '#shared/comparisons.ts';
import { comparisonsApi } from '#shared/contract/comparisons.ts';
import { callRoute } from '../../../lib/api.ts';

export type ComparisonStatus = z.infer<typeof comparisonListQuerySchema>['status'];

const PAGE = 50;

export const getComparisons = (slug: string, query: { after: number; status: ComparisonStatus }) =>
  callRoute(comparisonsApi.list, { params: { slug }, query: { ...query, limit: PAGE } });

export const comparisonsQueryOptions = (slug: string, status: ComparisonStatus) =>
  infiniteQueryOptions({
    queryKey: ['projects', slug, 'comparisons', status],
    queryFn: ({ pageParam }) => getComparisons(slug, { after: pageParam, status }),
    initialPageParam: 0,
    getNextPageParam: (last) => last.nextAfter ?? undefined,
  });

/** A project's comparisons with one status, 50 a page; `fetchNextPage` reads the next 50. */
export const useComparisons = (slug: string, status: ComparisonStatus) => useInfiniteQuery(comparisonsQueryOptions(slug, status));
