import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Db } from '#server/db/client.ts';
import { AppError } from '#server/http/errors.ts';
import { runInWorker } from '#server/workers/pool.ts';
import type { Logger } from '#server/logger.ts';
import type { ImportJob } from '#shared/imports.ts';
import { newProgress, readProgress, type ImportOutcome } from './import.task.ts';
import { importNotFound } from './conversations.errors.ts';

/** How long a finished job can still be looked at: long enough for a page to poll it, short enough not to pile up. */
const KEEP_FINISHED_MS = 60 * 60 * 1000;

interface Job {
  id: string;
  project: string;
  dryRun: boolean;
  progress: Float64Array;
  /** Unset while it runs; an error that is not an AppError is the server's own (a 500). */
  outcome?: ImportOutcome | { ok: false; unexpected: unknown };
  /** Settles once the job has ended, whichever way; never rejects. */
  finished: Promise<void>;
}

/**
 * HTTP imports as jobs, kept in memory (a restart forgets them, and sweeps their uploads and what
 * they staged). Each checks and writes its uploaded file in a worker thread, so the request thread
 * stays free however large the file, and deletes the file when it ends.
 */
export function createImportJobs(db: Db, logger: Logger) {
  const jobs = new Map<string, Job>();

  function start(slug: string, file: string, dryRun: boolean, actorId: number): Job {
    const progress = newProgress();
    // The file's size is known from the start: the page can say "0 of 40 MiB" before the worker has read a byte.
    progress[2] = fs.statSync(file).size;
    const job: Job = { id: randomUUID(), project: slug, dryRun, progress, finished: Promise.resolve() };
    job.finished = runInWorker('importFile', db.file, { slug, file, dryRun, actorId, progress })
      .then(
        (outcome) => void (job.outcome = outcome),
        (unexpected: unknown) => {
          logger.error({ err: unexpected, project: slug }, 'import failed');
          job.outcome = { ok: false, unexpected };
        },
      )
      .finally(() => {
        fs.rmSync(file, { force: true });
        setTimeout(() => jobs.delete(job.id), KEEP_FINISHED_MS).unref();
      });
    jobs.set(job.id, job);
    return job;
  }

  function find(slug: string, id: string): Job {
    const job = jobs.get(id);
    if (!job || job.project !== slug) throw importNotFound(id, slug);
    return job;
  }

  return { start, find };
}

/** The job's error as a synchronous import would have thrown it. */
export function jobError(job: Job): Error | undefined {
  const outcome = job.outcome;
  if (!outcome || outcome.ok) return undefined;
  if ('unexpected' in outcome) return outcome.unexpected instanceof Error ? outcome.unexpected : new Error(String(outcome.unexpected));
  return new AppError(outcome.error.status, outcome.error.code, outcome.error.message);
}

export function viewJob(job: Job): ImportJob {
  const { phase, bytesDone, bytesTotal } = readProgress(job.progress);
  const outcome = job.outcome;
  const base = { id: job.id, project: job.project, dryRun: job.dryRun, bytesDone, bytesTotal };
  if (!outcome) return { ...base, state: phase, result: null, error: null };
  if (outcome.ok) return { ...base, state: 'done', result: outcome.result, error: null };
  const error = 'unexpected' in outcome ? { status: 500, code: 'internal', message: 'Something went wrong on the server. It has been logged.' } : outcome.error;
  return { ...base, state: 'failed', result: null, error };
}
