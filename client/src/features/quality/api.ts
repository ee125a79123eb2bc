import { leaderboardSchema, myStatsSchema, projectStatsSchema, reviewSchema } from '#shared/stats.ts';
import { api } from '../../lib/api.ts';

export const fetchStats = (slug: string) => api('GET', `/projects/${slug}/stats`, { schema: projectStatsSchema });
export const fetchReview = (slug: string) => api('GET', `/projects/${slug}/review`, { schema: reviewSchema });
export const fetchMyStats = (slug: string) => api('GET', `/projects/${slug}/stats/me`, { schema: myStatsSchema });
export const fetchLeaderboard = (slug: string) => api('GET', `/projects/${slug}/leaderboard`, { schema: leaderboardSchema });
