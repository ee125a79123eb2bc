import { leaderboardSchema, myStatsSchema, projectStatsSchema, reviewSchema } from '#shared/stats.ts';
import type { Db } from '#server/db/client.ts';
import { allUsers, defineRoute, researchers } from '#server/http/route.ts';
import { projectParams } from '#server/modules/projects/projects.routes.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import { currentProjectStats, leaderboard, myStats, projectReview } from './stats.ts';

export const statsRoutes = (db: Db) => [
  defineRoute({
    method: 'get',
    path: '/projects/:slug/stats',
    summary: 'Quality figures: agreement, consensus, gold accuracy, length and position bias, time, per trainer (as `stats --json`)',
    roles: researchers,
    params: projectParams,
    response: projectStatsSchema,
    handler: ({ params }) => currentProjectStats(db, getProject(db, params.slug)),
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
    response: myStatsSchema,
    handler: ({ user, params }) => myStats(db, getProject(db, params.slug, user), user!),
  }),
  defineRoute({
    method: 'get',
    path: '/projects/:slug/leaderboard',
    summary: 'Every trainer’s rankings, agreement and gold accuracy, where the project has opted in',
    roles: allUsers,
    params: projectParams,
    response: leaderboardSchema,
    handler: ({ user, params }) => leaderboard(db, getProject(db, params.slug, user), user!),
  }),
];
