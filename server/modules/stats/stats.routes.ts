import { z } from 'zod';
import { projectStatsSchema, reviewSchema, trainerStatsSchema } from '#shared/stats.ts';
import type { Db } from '#server/db/client.ts';
import { AppError } from '#server/http/errors.ts';
import { allUsers, defineRoute, researchers } from '#server/http/route.ts';
import { projectParams } from '#server/modules/projects/projects.routes.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import { projectReview, projectStats } from './stats.ts';

const leaderboardSchema = z.object({
  trainers: z.array(trainerStatsSchema.pick({ username: true, rankings: true, agreement: true, goldAccuracy: true })),
});

export const statsRoutes = (db: Db) => [
  defineRoute({
    method: 'get',
    path: '/projects/:slug/stats',
    summary: 'Quality figures: agreement, consensus, gold accuracy, length and position bias, time, per trainer (as `stats --json`)',
    roles: researchers,
    params: projectParams,
    response: projectStatsSchema,
    handler: ({ params }) => projectStats(db, getProject(db, params.slug)),
  }),
  defineRoute({
    method: 'get',
    path: '/projects/:slug/review',
    summary: 'What trainers reported: flagged candidates, skip reasons and notes, newest first',
    roles: researchers,
    params: projectParams,
    response: reviewSchema,
    handler: ({ params }) => projectReview(db, getProject(db, params.slug)),
  }),
  defineRoute({
    method: 'get',
    path: '/projects/:slug/stats/me',
    summary: 'The asking trainer’s own figures in a project',
    roles: allUsers,
    params: projectParams,
    response: z.object({ me: trainerStatsSchema.nullable(), projectMedianMs: z.number().nullable() }),
    handler: ({ user, params }) => {
      const stats = projectStats(db, getProject(db, params.slug, user));
      return { me: stats.trainers.find((t) => t.username === user!.username) ?? null, projectMedianMs: stats.time.medianMs };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/projects/:slug/leaderboard',
    summary: 'Every trainer’s rankings, agreement and gold accuracy, where the project has opted in',
    roles: allUsers,
    params: projectParams,
    response: leaderboardSchema,
    handler: ({ user, params }) => {
      const project = getProject(db, params.slug, user);
      if (!project.leaderboard && user!.role === 'trainer') throw new AppError(404, 'leaderboard.off', 'This project has no leaderboard.');
      const trainers = projectStats(db, project).trainers.map(({ username, rankings, agreement, goldAccuracy }) => ({ username, rankings, agreement, goldAccuracy }));
      return { trainers: trainers.sort((a, b) => b.rankings - a.rankings || a.username.localeCompare(b.username)) };
    },
  }),
];
