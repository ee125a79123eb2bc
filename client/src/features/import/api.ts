import { importJobSchema, type ImportJob } from '#shared/imports.ts';
import type { ImportResult } from '#shared/conversations.ts';
import { api, ApiError } from '../../lib/api.ts';
import { uploadFile } from '../../lib/upload.ts';

/** How often a running import is asked how far it is. */
const POLL_MS = 500;

/**
 * Uploads a file as an import job (a dry run only checks it), then follows the job until it ends:
 * `onProgress` hears the upload's share first, then each state the server reports.
 */
export async function runImport(
  slug: string,
  file: File,
  dryRun: boolean,
  onProgress: (progress: { kind: 'uploading'; share: number } | { kind: 'job'; job: ImportJob }) => void,
): Promise<ImportResult> {
  let job = importJobSchema.parse(await uploadFile(`/projects/${slug}/imports${dryRun ? '?dryRun=true' : ''}`, file, (share) => onProgress({ kind: 'uploading', share })));
  while (job.state !== 'done' && job.state !== 'failed') {
    onProgress({ kind: 'job', job });
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    job = await api('GET', `/projects/${slug}/imports/${job.id}`, { schema: importJobSchema });
  }
  if (job.state === 'failed') throw new ApiError(job.error!.status, job.error!.code, job.error!.message);
  return job.result!;
}
