import { leaderboardSchema, myStatsSchema, projectStatsSchema, reviewSchema } from '../stats.ts';
import { projectParams } from './projects.ts';
import { allUsers, researchers, route } from './route.ts';

export const statsApi = {
  project: route({
    method: 'get',
    path: '/projects/:slug/stats',
    summary: 'Quality figures: agreement, consensus, gold accuracy, length and position bias, time, per trainer (as `stats --json`)',
    roles: researchers,
    params: projectParams,
    response: projectStatsSchema,
  }),
  review: route({
    method: 'get',
    path: '/projects/:slug/review',
    summary: 'What trainers reported: flagged candidates, skip reasons and notes, newest first',
    roles: researchers,
    params: projectParams,
    response: reviewSchema,
  }),
  mine: route({
    method: 'get',
    path: '/projects/:slug/stats/me',
    summary: 'The asking trainer’s own figures in a project',
    roles: allUsers,
    params: projectParams,
    response: myStatsSchema,
  }),
  leaderboard: route({
    method: 'get',
    path: '/projects/:slug/leaderboard',
    summary: 'Every trainer’s rankings, agreement and gold accuracy, where the project has opted in',
    roles: allUsers,
    params: projectParams,
    response: leaderboardSchema,
  }),
};
