import { useMutation, useQueryClient } from '@tanstack/react-query';
import { importsApi } from '#shared/contract/imports.ts';
import { routePath } from '../../../lib/api.ts';
import { uploadFile } from '../../../lib/upload.ts';
import { hasEnded, importJobQueryKey, onImportEnded } from './get-import-job.ts';

/**
 * Uploads a file as an import job (a dry run only checks it); the job is then followed with
 * useImportJob. Sent by XMLHttpRequest rather than callRoute, for the upload's progress.
 */
export const createImport = async (slug: string, file: File, dryRun: boolean, onProgress: (share: number) => void) =>
  importsApi.start.response.parse(await uploadFile(routePath(importsApi.start.path, { slug }, dryRun ? { dryRun: true } : {}), file, onProgress));

export function useCreateImport(slug: string, onProgress: (share: number) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ file, dryRun }: { file: File; dryRun: boolean }) => createImport(slug, file, dryRun, onProgress),
    onSuccess: (job) => {
      // The upload's answer is the job's first state: the job query starts from it instead of asking again.
      queryClient.setQueryData(importJobQueryKey(slug, job.id), job);
      if (hasEnded(job)) onImportEnded(queryClient, slug, job);
    },
  });
}
