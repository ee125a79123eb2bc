import { useMutation, useQueryClient } from '@tanstack/react-query';
import { comparisonsApi } from '#shared/contract/comparisons.ts';
import { callRoute } from '../../../lib/api.ts';
import { comparisonQueryKey } from './get-comparison.ts';
import { comparisonsQueryKey } from './get-comparisons.ts';

/** Makes a ranking the comparison's gold answer, or (null) makes the comparison ordinary again. */
export const setGold = (id: string, ranking: string[][] | null) =>
  ranking ? callRoute(comparisonsApi.setGold, { params: { id }, body: { ranking } }) : callRoute(comparisonsApi.unsetGold, { params: { id } });

/** Sets or clears a comparison's gold order; the comparison and its project's list are read again. */
export function useSetGold(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ranking }: { id: string; ranking: string[][] | null }) => setGold(id, ranking),
    onSuccess: (_, { id }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: comparisonQueryKey(id) }),
        queryClient.invalidateQueries({ queryKey: comparisonsQueryKey(slug) }),
      ]),
  });
}
