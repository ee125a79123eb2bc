import { queryOptions, useQuery } from '@tanstack/react-query';
import type { queueApi } from '#shared/contract/queue.ts';
import type { RouteResponse } from '#shared/contract/route.ts';
import type { QueueState } from '#shared/queue-state.ts';
import { api } from '../../../lib/api.ts';
import { plural } from '../../../lib/format.ts';

/** Whether other trainers hold what is left of a project for this trainer, and until when (typed by the contract, not checked: decision 0003). */
export const getQueueState = (slug: string): Promise<QueueState> =>
  api<RouteResponse<typeof queueApi.state>>('GET', `/projects/${encodeURIComponent(slug)}/queue`);

/**
 * Asked when `next` has nothing, and again after each time the page asks `next` once more; never on
 * its own, and forgotten once the page closes. Beside the next comparison's key, outside
 * `['projects', …]`, so that invalidating a project does not ask it behind the page's back.
 */
export const queueStateQueryOptions = (slug: string) =>
  queryOptions({
    queryKey: ['next-comparison', slug, 'queue'],
    queryFn: () => getQueueState(slug),
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

export const useQueueState = (slug: string, options: { enabled: boolean }) => useQuery({ ...queueStateQueryOptions(slug), ...options });

/** How often a trainer waiting on others asks again, at most: a skip frees a comparison before its lease would end. */
export const CHECK_AGAIN_MS = 30_000;

/**
 * When to ask `next` again: a moment after the first of the others' leases ends (so that it has
 * ended on the server too), or after CHECK_AGAIN_MS, whichever is sooner. Counted from the server's
 * clock, so a trainer's clock that is off changes nothing.
 */
export function checkAgainIn(state: QueueState): number {
  if (state.earliestLeaseExpiresAt === null) return CHECK_AGAIN_MS;
  const untilExpiry = Date.parse(state.earliestLeaseExpiresAt) - Date.parse(state.asOf);
  return Math.min(CHECK_AGAIN_MS, Math.max(0, untilExpiry) + 1000);
}

/** "3 minutes": how long until the first of the others' leases ends, in whole minutes, at least one. */
export function minutesUntilBack(state: QueueState): string {
  const ms = state.earliestLeaseExpiresAt === null ? 0 : Date.parse(state.earliestLeaseExpiresAt) - Date.parse(state.asOf);
  return plural(Math.max(1, Math.ceil(ms / 60_000)), 'minute');
}
