import { QueryClient, type DefaultOptions } from '@tanstack/react-query';
import { ApiError } from './api.ts';

/**
 * Query keys start with the resource, then its id, then what is read about it, so that one
 * invalidation reaches everything below it:
 *   ['projects']                      the list
 *   ['projects', slug]                one project (shared by the console and the trainer's pages)
 *   ['projects', slug, 'stats']       anything read within a project
 *   ['users'], ['me', 'tokens'], ['comparisons', id] …
 * Each endpoint's key lives with its fetcher in `features/<x>/api/<verb>-<thing>.ts`.
 */

/** A refusal (4xx) stays a refusal; only a lost connection or a server fault (5xx) is worth another try. */
export function isTransient(error: unknown) {
  return !(error instanceof ApiError) || error.status === 0 || error.status >= 500;
}

export const queryConfig = {
  queries: {
    retry: (failureCount, error) => failureCount < 2 && isTransient(error),
    // Pages hold drafts and forms seeded from their queries; refetching behind them on focus surprises more than it helps.
    refetchOnWindowFocus: false,
    // Other people change a project all the time (trainers rank, researchers import): a page opened
    // again shows what the cache holds at once and reads it again behind it, as every page read it
    // on opening before there was a cache.
    staleTime: 0,
  },
  mutations: {
    // A write is never repeated behind the user's back.
    retry: false,
  },
} satisfies DefaultOptions;

export const createQueryClient = () => new QueryClient({ defaultOptions: queryConfig });

/**
 * After a write that changes a project's data (an import, a sampling run, new settings): what is on
 * screen is read again, and what is not is dropped, so a tab opened later loads fresh rather than
 * showing figures from before. `except` names a part of the project that needs no reading again
 * (the job that just ended, say: `'imports'` for ['projects', slug, 'imports', …]).
 */
export async function refreshProject(queryClient: QueryClient, slug: string, except?: string) {
  const mine = (key: readonly unknown[]) => key[0] === 'projects' && (key.length === 1 || (key[1] === slug && (except === undefined || key[2] !== except)));
  queryClient.removeQueries({ type: 'inactive', predicate: (query) => mine(query.queryKey) });
  await queryClient.invalidateQueries({ type: 'active', predicate: (query) => mine(query.queryKey) });
}
