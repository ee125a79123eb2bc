import { z } from 'zod';
import { importResultSchema } from '../conversations.ts';
import { importJobSchema } from '../imports.ts';
import { projectParams } from './projects.ts';
import { researchers, route } from './route.ts';

const importQuery = z.object({
  dryRun: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
});
const importBody = { mediaType: 'application/x-ndjson', description: 'One conversation per line (docs/import-format.md)' };

export const importsApi = {
  /** A file with bad lines answers 400 with the result's fields and an `error` beside them. */
  importNow: route({
    method: 'post',
    path: '/projects/:slug/import',
    summary: 'Import a JSONL file (docs/import-format.md) sent as the raw request body: all lines or none; answers when done',
    roles: researchers,
    params: projectParams,
    query: importQuery,
    rawBody: importBody,
    response: importResultSchema,
  }),
  start: route({
    method: 'post',
    path: '/projects/:slug/imports',
    summary: 'Start importing a JSONL file (docs/import-format.md) sent as the raw request body: 202 with the job to poll',
    roles: researchers,
    params: projectParams,
    query: importQuery,
    rawBody: importBody,
    response: importJobSchema,
    successStatus: 202,
  }),
  job: route({
    method: 'get',
    path: '/projects/:slug/imports/:id',
    summary: "An import job's progress, and its result (or error) once it has ended",
    roles: researchers,
    params: projectParams.extend({ id: z.string().uuid() }),
    response: importJobSchema,
  }),
};
