import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { importResultSchema, type ImportResult } from '#shared/conversations.ts';
import { importJobSchema } from '#shared/imports.ts';
import type { Db } from '#server/db/client.ts';
import { AppError } from '#server/http/errors.ts';
import { defineRoute, researchers } from '#server/http/route.ts';
import { uploadsDir } from '#server/paths.ts';
import { projectParams } from '#server/modules/projects/projects.routes.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import type { AuthUser } from '#server/http/auth.ts';
import type { Logger } from '#server/logger.ts';
import { runInWorker } from '#server/workers/pool.ts';
import { createImportJobs, jobError, viewJob } from './import-jobs.ts';
import { abandonedStagings } from './staging.ts';

export const MAX_UPLOAD_BYTES = Number(process.env.ORDINAL_MAX_UPLOAD_BYTES ?? 4 * 1024 ** 3);

/**
 * Removes the uploads an earlier process left in `dir` (a server killed mid-import). Only entries last
 * written before this process started go: an upload that another app in this process is receiving is newer.
 */
export function sweepUploads(dir: string): void {
  const started = performance.timeOrigin;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const name of names) {
    const entry = path.join(dir, name);
    const written = fs.lstatSync(entry, { throwIfNoEntry: false })?.mtimeMs;
    if (written !== undefined && written < started) fs.rmSync(entry, { recursive: true, force: true });
  }
}

/** Streams a request body to a file in `dir`, so an upload of any size never sits in memory. */
async function spool(req: NodeJS.ReadableStream, dir: string, limit: number): Promise<string> {
  // Private, like the system temporary folder's per-upload directories were: uploads hold the project's data.
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${randomUUID()}.jsonl`);
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > limit) done(new AppError(413, 'import.too_large', `The file is larger than ${limit} bytes.`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(req, counter, fs.createWriteStream(file));
  } catch (error) {
    fs.rmSync(file, { force: true });
    throw error;
  }
  return file;
}

const importQuery = z.object({ dryRun: z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1') });
const importBody = { mediaType: 'application/x-ndjson', description: 'One conversation per line (docs/import-format.md)' };

/** A file with bad lines is the client's mistake: 400, with every bad line in the body. */
const invalidLinesBody = (result: ImportResult) => ({
  ...result,
  error: { code: 'import.invalid_lines', message: `${result.errors.length + result.moreErrors} bad line(s); nothing was imported.`, details: result.errors },
});

export const importRoutes = (db: Db, logger: Logger) => {
  const uploads = uploadsDir(db.file);
  // The app is built once per server start: the moment to sweep what a killed server left.
  sweepUploads(uploads);
  if (abandonedStagings(db).length > 0) {
    runInWorker('sweepStagings', db.file, {}).catch((error: unknown) => logger.error({ err: error }, 'removing what killed imports staged failed; it is tried again at the next start'));
  }
  const jobs = createImportJobs(db, logger);

  /** Receives the upload and starts checking (and, unless a dry run, importing) it in a worker thread. */
  const startJob = async ({ user, params, query, req }: { user: AuthUser | null; params: { slug: string }; query: { dryRun: boolean }; req: NodeJS.ReadableStream }) => {
    getProject(db, params.slug);
    const file = await spool(req, uploads, MAX_UPLOAD_BYTES);
    return jobs.start(params.slug, file, query.dryRun, user!.id);
  };

  return [
    defineRoute({
      method: 'post',
      path: '/projects/:slug/import',
      summary: 'Import a JSONL file (docs/import-format.md) sent as the raw request body: all lines or none; answers when done',
      roles: researchers,
      params: projectParams,
      query: importQuery,
      rawBody: importBody,
      response: importResultSchema,
      handler: async ({ user, params, query, req, res }) => {
        const job = await startJob({ user, params, query, req });
        await job.finished;
        const error = jobError(job);
        if (error) throw error;
        const result = viewJob(job).result!;
        if (result.errors.length) res.status(400).json(invalidLinesBody(result));
        return result;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/projects/:slug/imports',
      summary: 'Start importing a JSONL file (docs/import-format.md) sent as the raw request body: 202 with the job to poll',
      roles: researchers,
      params: projectParams,
      query: importQuery,
      rawBody: importBody,
      response: importJobSchema,
      successStatus: 202,
      handler: async (input) => viewJob(await startJob(input)),
    }),
    defineRoute({
      method: 'get',
      path: '/projects/:slug/imports/:id',
      summary: "An import job's progress, and its result (or error) once it has ended",
      roles: researchers,
      params: projectParams.extend({ id: z.string().uuid() }),
      response: importJobSchema,
      handler: ({ params }) => viewJob(jobs.find(params.slug, params.id)),
    }),
  ];
};
