import { statsApi } from '#shared/contract/stats.ts';
import type { Db } from '#server/db/client.ts';
import { implement } from '#server/http/route.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import { currentProjectStats, leaderboard, myStats, projectReview } from './stats.ts';

export const statsRoutes = (db: Db) => [
  implement(statsApi.project, ({ params }) => currentProjectStats(db, getProject(db, params.slug))),
  implement(statsApi.review, ({ params }) => projectReview(db, getProject(db, params.slug))),
  implement(statsApi.mine, ({ user, params }) => myStats(db, getProject(db, params.slug, user), user)),
  implement(statsApi.leaderboard, ({ user, params }) => leaderboard(db, getProject(db, params.slug, user), user)),
];
