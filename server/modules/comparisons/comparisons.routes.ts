import { comparisonsApi } from '#shared/contract/comparisons.ts';
import type { Db } from '#server/db/client.ts';
import { implement } from '#server/http/route.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import { listComparisons, researcherComparison, setGold } from './comparisons.usecases.ts';
import { heldComparison, nextComparison, skipComparison } from './queue.ts';
import { submitRanking } from './rankings.usecases.ts';

export const comparisonRoutes = (db: Db) => [
  // Nothing left for the trainer: no answer, which the table sends as 204.
  implement(comparisonsApi.next, async ({ user, params }) => {
    const project = getProject(db, params.slug, user);
    return (await db.grouped(() => nextComparison(db, project, user))) ?? undefined;
  }),
  implement(comparisonsApi.list, ({ params, query }) => listComparisons(db, getProject(db, params.slug), query)),
  implement(comparisonsApi.get, ({ user, params }) =>
    user.role === 'trainer' ? heldComparison(db, params.id, user.id) : { comparison: researcherComparison(db, params.id) },
  ),
  implement(comparisonsApi.rank, async ({ user, params, body }) => ({ ranking: await db.grouped(() => submitRanking(db, params.id, user, body)) })),
  implement(comparisonsApi.setGold, ({ user, params, body }) => {
    setGold(db, params.id, body.ranking, user.id);
  }),
  implement(comparisonsApi.unsetGold, ({ user, params }) => {
    setGold(db, params.id, null, user.id);
  }),
  implement(comparisonsApi.skip, ({ user, params, body }) => {
    skipComparison(db, params.id, user, body.reason);
  }),
];
