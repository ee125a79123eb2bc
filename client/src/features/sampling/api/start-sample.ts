import { useMutation, useQueryClient } from '@tanstack/react-query';
import { modelsApi } from '#shared/contract/models.ts';
import { callRoute } from '../../../lib/api.ts';
import { sampleQueryKey } from './get-sample.ts';

export const startSample = (slug: string) => callRoute(modelsApi.startSampling, { params: { slug }, body: {} });

/** Starts sampling; the answer is the job's first state, which the sample query then follows. */
export function useStartSample(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => startSample(slug),
    onSuccess: (view) => queryClient.setQueryData(sampleQueryKey(slug), view),
  });
}
