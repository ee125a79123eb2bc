import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { importsApi } from '#shared/contract/imports.ts';
import { config } from '#server/config.ts';
import type { Db } from '#server/db/client.ts';
import { errorBody } from '#server/http/errors.ts';
import { implement } from '#server/http/route.ts';
import { uploadsDir } from '#server/paths.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import type { AuthUser } from '#server/http/auth.ts';
import type { Logger } from '#server/logger.ts';
import { runInWorker } from '#server/workers/pool.ts';
import { createImportJobs, jobError, viewJob } from './import-jobs.ts';
import { abandonedStagings } from './staging.ts';
import { invalidLines, uploadStalled, uploadTooLarge } from './conversations.errors.ts';

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
async function spool(req: IncomingMessage, dir: string, limit: number): Promise<string> {
  // Private, like the system temporary folder's per-upload directories were: uploads hold the project's data.
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${randomUUID()}.jsonl`);
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > limit) done(uploadTooLarge(limit));
      else done(null, chunk);
    },
  });
  // The upload may take as long as it needs (the server sets no limit on a whole request), but not stall.
  const idleMs = config().ORDINAL_UPLOAD_IDLE_TIMEOUT_MS;
  const onIdle = () => req.destroy(uploadStalled(idleMs));
  req.socket.setTimeout(idleMs, onIdle);
  try {
    await pipeline(req, counter, fs.createWriteStream(file));
  } catch (error) {
    fs.rmSync(file, { force: true });
    throw error;
  } finally {
    req.socket.setTimeout(0);
    req.socket.off('timeout', onIdle);
  }
  return file;
}

export const importRoutes = (db: Db, logger: Logger) => {
  const uploads = uploadsDir(db.file);
  // The app is built once per server start: the moment to sweep what a killed server left.
  sweepUploads(uploads);
  if (abandonedStagings(db).length > 0) {
    runInWorker('sweepStagings', db.file, {}).catch((error: unknown) =>
      logger.error({ err: error }, 'removing what killed imports staged failed; it is tried again at the next start'),
    );
  }
  const jobs = createImportJobs(db, logger);

  /** Receives the upload and starts checking (and, unless a dry run, importing) it in a worker thread. */
  const startJob = async ({ user, params, query, req }: { user: AuthUser; params: { slug: string }; query: { dryRun: boolean }; req: IncomingMessage }) => {
    getProject(db, params.slug);
    const file = await spool(req, uploads, config().ORDINAL_MAX_UPLOAD_BYTES);
    return jobs.start(params.slug, file, query.dryRun, user.id);
  };

  return [
    implement(importsApi.importNow, async ({ user, params, query, req, res }) => {
      const job = await startJob({ user, params, query, req });
      await job.finished;
      const error = jobError(job);
      if (error) throw error;
      const result = viewJob(job).result!;
      // A file with bad lines is the client's mistake: 400, with every bad line in the body.
      if (result.errors.length) res.status(400).json({ ...result, ...errorBody(invalidLines(result)) });
      return result;
    }),
    implement(importsApi.start, async (input) => viewJob(await startJob(input))),
    implement(importsApi.job, ({ params }) => viewJob(jobs.find(params.slug, params.id))),
  ];
};
