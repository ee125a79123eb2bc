import { comparisonsApi } from '#shared/contract/comparisons.ts';
import { historyApi } from '#shared/contract/history.ts';
import { queueApi } from '#shared/contract/queue.ts';
import type { Db } from '#server/db/client.ts';
import { implement } from '#server/http/route.ts';
import type { Logger } from '#server/logger.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import { runInWorker } from '#server/workers/pool.ts';
import { askForMoreRankings, researcherComparison, setGold } from './comparisons.usecases.ts';
import { figuresPending } from './figures.ts';
import { myRankings } from './history.usecases.ts';
import { listComparisons } from './list.ts';
import { catchUpSearch, searchPending } from './search-index.ts';
import { heldComparison, nextComparison, skipComparison } from './queue.ts';
import { queueState } from './queue-state.ts';
import { submitRanking } from './rankings.usecases.ts';

export const comparisonRoutes = (db: Db, logger: Logger) => {
  // The app is built once per server start: the moment to index for search what is not yet, and to
  // compute the figures of comparisons ranked before they were stored (docs/decisions/0008), in a
  // worker thread, in short batches.
  if (searchPending(db, 1) > 0) catchUpSearch(db, logger);
  if (figuresPending(db)) {
    runInWorker('backfillFigures', db.file, {}).then(
      (computed) => logger.info({ computed }, 'computed the agreement and consensus of comparisons ranked before they were stored'),
      (error: unknown) => logger.error({ err: error }, 'computing the agreement of earlier comparisons failed; it is tried again at the next start'),
    );
  }
  return [
    // Nothing left for the trainer: no answer, which the table sends as 204.
    implement(comparisonsApi.next, async ({ user, params }) => {
      const project = getProject(db, params.slug, user);
      return (await db.grouped(() => nextComparison(db, project, user))) ?? undefined;
    }),
    // What the ranking page says when `next` has nothing: whether others hold the rest, and until when.
    implement(queueApi.state, ({ user, params }) => queueState(db, getProject(db, params.slug, user), user)),
    implement(historyApi.rankings, ({ user, params, query }) => myRankings(db, getProject(db, params.slug, user), user, query)),
    implement(historyApi.comparison, ({ user, params }) => heldComparison(db, params.id, user.id)),
    implement(comparisonsApi.list, ({ params, query }) => {
      const page = listComparisons(db, getProject(db, params.slug), query);
      // What was imported or written since is added to the search index now, in a worker thread.
      if (page.searchPending > 0) catchUpSearch(db, logger);
      return page;
    }),
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
    implement(comparisonsApi.askForMore, ({ user, params }) => {
      askForMoreRankings(db, params.id, user.id);
    }),
    implement(comparisonsApi.skip, ({ user, params, body }) => {
      skipComparison(db, params.id, user, body.reason);
    }),
  ];
};
