import { queryOptions, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { importsApi } from '#shared/contract/imports.ts';
import type { ImportJob } from '#shared/imports.ts';
import { callRoute } from '../../../lib/api.ts';
import { refreshProject } from '../../../lib/react-query.ts';

export const getImportJob = (slug: string, id: string) => callRoute(importsApi.job, { params: { slug, id } });

export const importJobQueryKey = (slug: string, id: string) => ['projects', slug, 'imports', id] as const;

export const hasEnded = (job: ImportJob) => job.state === 'done' || job.state === 'failed';

/** How often a running import is asked how far it is. */
const POLL_MS = 500;

/** Called once per job, when it is first seen ended: an import that wrote lines changes the project's counts. */
export function onImportEnded(queryClient: QueryClient, slug: string, job: ImportJob) {
  if (!job.dryRun && job.result?.imported) void refreshProject(queryClient, slug, 'imports');
}

export const importJobQueryOptions = (slug: string, id: string, queryClient: QueryClient) =>
  queryOptions({
    queryKey: importJobQueryKey(slug, id),
    queryFn: async () => {
      const before = queryClient.getQueryData<ImportJob>(importJobQueryKey(slug, id));
      const job = await getImportJob(slug, id);
      if (hasEnded(job) && !(before && hasEnded(before))) onImportEnded(queryClient, slug, job);
      return job;
    },
    // An ended job does not change again.
    staleTime: (query) => (query.state.data && hasEnded(query.state.data) ? Infinity : 0),
    refetchInterval: (query) => (query.state.data && !hasEnded(query.state.data) ? POLL_MS : false),
  });

/** An import job, followed until it ends; null `id` while there is none. */
export function useImportJob(slug: string, id: string | null) {
  const queryClient = useQueryClient();
  return useQuery({ ...importJobQueryOptions(slug, id ?? '', queryClient), enabled: id !== null });
}
