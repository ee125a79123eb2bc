import { z } from 'zod';
import { idSchema } from '#shared/ids.ts';
import {
  comparisonListQuerySchema,
  comparisonListSchema,
  nextComparisonSchema,
  researcherComparisonSchema,
  trainerComparisonSchema,
} from '#shared/comparisons.ts';
import { rankingGroupsSchema, skipSchema, storedRankingSchema, submitRankingSchema } from '#shared/rankings.ts';
import type { Db } from '#server/db/client.ts';
import { allUsers, defineRoute, researchers } from '#server/http/route.ts';
import { projectParams } from '#server/modules/projects/projects.routes.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import { listComparisons, researcherComparison, setGold } from './comparisons.usecases.ts';
import { heldComparison, nextComparison, skipComparison } from './queue.ts';
import { submitRanking } from './rankings.usecases.ts';

const comparisonParams = z.object({ id: idSchema });

export const comparisonRoutes = (db: Db) => [
  defineRoute({
    method: 'get',
    path: '/projects/:slug/next',
    summary: 'The next comparison for the asking trainer (204 when nothing is left for them)',
    roles: allUsers,
    changesState: true,
    params: projectParams,
    query: z.object({ kind: z.literal('comparison').default('comparison') }),
    response: nextComparisonSchema,
    handler: async ({ user, params, res }) => {
      const project = getProject(db, params.slug, user);
      const next = await db.grouped(() => nextComparison(db, project, user!));
      if (!next) res.status(204).end();
      return next ?? undefined;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/projects/:slug/comparisons',
    summary: 'A page of a project’s comparisons with their progress, for browsing',
    roles: researchers,
    params: projectParams,
    query: comparisonListQuerySchema,
    response: comparisonListSchema,
    handler: ({ params, query }) => listComparisons(db, getProject(db, params.slug), query),
  }),
  defineRoute({
    method: 'get',
    path: '/comparisons/:id',
    summary: 'A comparison: for a trainer, one they were given, with their own ranking; for researchers, with provenance and every ranking',
    roles: allUsers,
    params: comparisonParams,
    response: z.union([z.object({ comparison: trainerComparisonSchema, ranking: storedRankingSchema.nullable() }), z.object({ comparison: researcherComparisonSchema })]),
    handler: ({ user, params }) =>
      user!.role === 'trainer' ? heldComparison(db, Number(params.id), user!.id) : { comparison: researcherComparison(db, Number(params.id)) },
  }),
  defineRoute({
    method: 'put',
    path: '/comparisons/:id/ranking',
    summary: 'Submit or replace one’s ranking of a comparison; the same body twice stores one ranking',
    roles: allUsers,
    params: comparisonParams,
    body: submitRankingSchema,
    response: z.object({ ranking: storedRankingSchema }),
    handler: async ({ user, params, body }) => ({ ranking: await db.grouped(() => submitRanking(db, Number(params.id), user!, body)) }),
  }),
  defineRoute({
    method: 'put',
    path: '/comparisons/:id/gold',
    summary: 'Make a comparison a gold item with its expected order (ties only where the project allows them)',
    roles: researchers,
    params: comparisonParams,
    body: z.strictObject({ ranking: rankingGroupsSchema }),
    handler: ({ user, params, body }) => setGold(db, Number(params.id), body.ranking, user!.id),
  }),
  defineRoute({
    method: 'delete',
    path: '/comparisons/:id/gold',
    summary: 'Make a gold comparison ordinary again',
    roles: researchers,
    params: comparisonParams,
    handler: ({ user, params }) => setGold(db, Number(params.id), null, user!.id),
  }),
  defineRoute({
    method: 'post',
    path: '/comparisons/:id/skip',
    summary: 'Give a comparison back with a reason; it is not offered to you again',
    roles: allUsers,
    params: comparisonParams,
    body: skipSchema,
    handler: ({ user, params, body }) => skipComparison(db, Number(params.id), user!, body.reason),
  }),
];
