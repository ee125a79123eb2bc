import { z } from 'zod';
import { myComparisonSchema, myRankingsQuerySchema, myRankingsSchema } from '../history.ts';
import { idParamSchema } from '../ids.ts';
import { projectParams } from './projects.ts';
import { allUsers, route } from './route.ts';

// Every role ranks what `next` hands it, so every role has a history: each caller sees only their
// own rankings here (researchers read everyone's through GET /comparisons/:id and the export).
// Changing one goes through PUT /comparisons/:id/ranking, which decides whether it may still change.

export const historyApi = {
  rankings: route({
    method: 'get',
    path: '/projects/:slug/rankings/mine',
    summary: 'The asker’s own rankings in a project, newest first, a page at a time, each with its prompt’s first line and revision',
    roles: allUsers,
    params: projectParams,
    query: myRankingsQuerySchema,
    response: myRankingsSchema,
  }),
  comparison: route({
    method: 'get',
    path: '/comparisons/:id/mine',
    summary: 'A comparison the asker was given, as they were shown it, with their current ranking (null before they rank it), to revise it',
    roles: allUsers,
    params: z.object({ id: idParamSchema }),
    response: myComparisonSchema,
  }),
};
