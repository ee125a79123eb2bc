import { queryOptions, useQuery } from '@tanstack/react-query';
import { statsApi } from '#shared/contract/stats.ts';
import { callRoute } from '../../../lib/api.ts';

export const getMyStats = (slug: string) => callRoute(statsApi.mine, { params: { slug } });

export const myStatsQueryOptions = (slug: string) => queryOptions({ queryKey: ['projects', slug, 'my-stats'], queryFn: () => getMyStats(slug) });

/** The logged-in trainer's own figures in a project, beside the project's median time. */
export const useMyStats = (slug: string, options: { enabled?: boolean } = {}) => useQuery({ ...myStatsQueryOptions(slug), ...options });
