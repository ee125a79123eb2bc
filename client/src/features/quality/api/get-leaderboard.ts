import { queryOptions, useQuery } from '@tanstack/react-query';
import { statsApi } from '#shared/contract/stats.ts';
import { callRoute } from '../../../lib/api.ts';

export const getLeaderboard = (slug: string) => callRoute(statsApi.leaderboard, { params: { slug } });

export const leaderboardQueryOptions = (slug: string) => queryOptions({ queryKey: ['projects', slug, 'leaderboard'], queryFn: () => getLeaderboard(slug) });

/** Every trainer's figures, where the project shows trainers a leaderboard. */
export const useLeaderboard = (slug: string, options: { enabled?: boolean } = {}) => useQuery({ ...leaderboardQueryOptions(slug), ...options });
