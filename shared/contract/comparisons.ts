import { z } from 'zod';
import { comparisonListQuerySchema, comparisonListSchema, nextComparisonSchema, researcherComparisonSchema, trainerComparisonSchema } from '../comparisons.ts';
import { idParamSchema } from '../ids.ts';
import { rankingGroupsSchema, skipSchema, storedRankingSchema, submitRankingSchema } from '../rankings.ts';
import { projectParams } from './projects.ts';
import { allUsers, researchers, route } from './route.ts';

const comparisonParams = z.object({ id: idParamSchema });

export const comparisonsApi = {
  next: route({
    method: 'get',
    path: '/projects/:slug/next',
    summary: 'The next comparison for the asking trainer (204 when nothing is left for them)',
    roles: allUsers,
    changesState: true,
    params: projectParams,
    query: z.object({ kind: z.literal('comparison').default('comparison') }),
    response: nextComparisonSchema,
    emptyWhenNone: true,
  }),
  list: route({
    method: 'get',
    path: '/projects/:slug/comparisons',
    summary: 'A page of a project’s comparisons with their source ids, progress and agreement, searched, filtered and sorted, for browsing',
    roles: researchers,
    params: projectParams,
    query: comparisonListQuerySchema,
    response: comparisonListSchema,
  }),
  get: route({
    method: 'get',
    path: '/comparisons/:id',
    summary: 'A comparison: for a trainer, one they were given, with their own ranking; for researchers, with provenance and every ranking',
    roles: allUsers,
    params: comparisonParams,
    response: z.union([
      z.object({ comparison: trainerComparisonSchema, ranking: storedRankingSchema.nullable() }),
      z.object({ comparison: researcherComparisonSchema }),
    ]),
  }),
  rank: route({
    method: 'put',
    path: '/comparisons/:id/ranking',
    summary: 'Submit or replace one’s ranking of a comparison; the same body twice stores one ranking',
    roles: allUsers,
    params: comparisonParams,
    body: submitRankingSchema,
    response: z.object({ ranking: storedRankingSchema }),
  }),
  setGold: route({
    method: 'put',
    path: '/comparisons/:id/gold',
    summary: 'Make a comparison a gold item with its expected order (ties only where the project allows them)',
    roles: researchers,
    params: comparisonParams,
    body: z.strictObject({ ranking: rankingGroupsSchema }),
  }),
  unsetGold: route({
    method: 'delete',
    path: '/comparisons/:id/gold',
    summary: 'Make a gold comparison ordinary again',
    roles: researchers,
    params: comparisonParams,
  }),
  askForMore: route({
    method: 'post',
    path: '/comparisons/:id/more-rankings',
    summary: 'Ask for one ranking more of a comparison than it asks for now: the queue hands it to one more trainer',
    roles: researchers,
    params: comparisonParams,
  }),
  skip: route({
    method: 'post',
    path: '/comparisons/:id/skip',
    summary: 'Give a comparison back with a reason; it is not offered to you again',
    roles: allUsers,
    params: comparisonParams,
    body: skipSchema,
  }),
};
