import { queryOptions, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { modelsApi } from '#shared/contract/models.ts';
import type { SampleView } from '#shared/models.ts';
import { callRoute } from '../../../lib/api.ts';
import { refreshProject } from '../../../lib/react-query.ts';

export const getSample = (slug: string) => callRoute(modelsApi.sampling, { params: { slug } });

export const sampleQueryKey = (slug: string) => ['projects', slug, 'sample'] as const;

/** How often a running sampling job is asked how far it is. */
const POLL_MS = 1000;

export const sampleQueryOptions = (slug: string, queryClient: QueryClient) =>
  queryOptions({
    queryKey: sampleQueryKey(slug),
    queryFn: async () => {
      const before = queryClient.getQueryData<SampleView>(sampleQueryKey(slug));
      const view = await getSample(slug);
      // A job that ended has added candidates: the project's counts are read again.
      if (before?.job.state === 'running' && view.job.state !== 'running') void refreshProject(queryClient, slug, 'sample');
      return view;
    },
    refetchInterval: (query) => (query.state.data?.job.state === 'running' ? POLL_MS : false),
  });

/** The project's sampling job and what waits for it, followed while it runs. */
export function useSample(slug: string) {
  const queryClient = useQueryClient();
  return useQuery(sampleQueryOptions(slug, queryClient));
}
