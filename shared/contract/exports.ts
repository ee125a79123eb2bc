import { z } from 'zod';
import { exportCountSchema, exportOptionsSchema } from '../exports.ts';
import { projectParams } from './projects.ts';
import { researchers, route } from './route.ts';

export const exportsApi = {
  download: route({
    method: 'get',
    path: '/projects/:slug/export',
    summary: 'Stream a dataset as JSONL (docs/export-formats.md)',
    roles: researchers,
    // Each export is recorded in the audit log.
    changesState: true,
    params: projectParams,
    query: exportOptionsSchema,
    response: { mediaType: 'application/x-ndjson', description: 'One record per line' },
  }),
  count: route({
    method: 'get',
    path: '/projects/:slug/export/count',
    summary: 'How many records an export with these options holds',
    roles: researchers,
    params: projectParams,
    query: exportOptionsSchema,
    response: exportCountSchema,
  }),
  cli: route({
    method: 'get',
    path: '/projects/:slug/export/cli',
    summary: 'What an export’s command line needs to run as shown on the server machine: the database file the server uses (`ordinal export --db <file>`)',
    roles: researchers,
    params: projectParams,
    response: z.object({
      /** The server's database file, as an absolute path. */
      database: z.string(),
    }),
  }),
};
