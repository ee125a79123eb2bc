import { z } from 'zod';
import { projectStatsSchema, reviewSchema, trainerStatsSchema } from '#shared/stats.ts';
import { api } from '../../lib/api.ts';

export const fetchStats = (slug: string) => api('GET', `/projects/${slug}/stats`, { schema: projectStatsSchema });
export const fetchReview = (slug: string) => api('GET', `/projects/${slug}/review`, { schema: reviewSchema });
export const fetchMyStats = (slug: string) =>
  api('GET', `/projects/${slug}/stats/me`, { schema: z.object({ me: trainerStatsSchema.nullable(), projectMedianMs: z.number().nullable() }) });
export const fetchLeaderboard = (slug: string) =>
  api('GET', `/projects/${slug}/leaderboard`, {
    schema: z.object({ trainers: z.array(trainerStatsSchema.pick({ username: true, rankings: true, agreement: true, goldAccuracy: true })) }),
  });
