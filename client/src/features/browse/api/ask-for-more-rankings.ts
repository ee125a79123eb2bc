import { useMutation, useQueryClient } from '@tanstack/react-query';
import { comparisonsApi } from '#shared/contract/comparisons.ts';
import { callRoute } from '../../../lib/api.ts';
import { comparisonQueryKey } from './get-comparison.ts';
import { comparisonsQueryKey } from './get-comparisons.ts';

/** Sends a comparison back to the queue for one ranking more than it asks for now. */
export const askForMoreRankings = (id: string) => callRoute(comparisonsApi.askForMore, { params: { id } });

export function useAskForMoreRankings(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => askForMoreRankings(id),
    onSuccess: (_, id) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: comparisonQueryKey(id) }),
        queryClient.invalidateQueries({ queryKey: comparisonsQueryKey(slug) }),
      ]),
  });
}
