import { useMutation, useQueryClient } from '@tanstack/react-query';
import { comparisonsApi } from '#shared/contract/comparisons.ts';
import { callRoute } from '../../../lib/api.ts';
import { comparisonQueryKey } from './get-comparison.ts';

/** Makes a ranking the comparison's gold answer, or (null) makes the comparison ordinary again. */
export const setGold = (id: string, ranking: string[][] | null) =>
  ranking ? callRoute(comparisonsApi.setGold, { params: { id }, body: { ranking } }) : callRoute(comparisonsApi.unsetGold, { params: { id } });

export function useSetGold(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (ranking: string[][] | null) => setGold(id, ranking),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: comparisonQueryKey(id) }),
  });
}
