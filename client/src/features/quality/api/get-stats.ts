import { queryOptions, useQuery } from '@tanstack/react-query';
import { statsApi } from '#shared/contract/stats.ts';
import { callRoute } from '../../../lib/api.ts';

export const getStats = (slug: string) => callRoute(statsApi.project, { params: { slug } });

export const statsQueryOptions = (slug: string) => queryOptions({ queryKey: ['projects', slug, 'stats'], queryFn: () => getStats(slug) });

/** The project's quality figures (agreement, gold accuracy, bias checks) per trainer and overall. */
export const useStats = (slug: string, options: { enabled?: boolean } = {}) => useQuery({ ...statsQueryOptions(slug), ...options });
