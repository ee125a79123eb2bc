import os from 'node:os';
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { writeWaitersMemory } from '#server/db/write-waiters.ts';
import type { TaskArgs, TaskName, TaskResult } from './worker.ts';

/**
 * Where the worker's code is. From the TypeScript sources (tsx, vitest) it is worker.ts beside this
 * file, loaded through tsx's loader, which a worker thread does not inherit from its parent; in
 * the compiled CLI (dist/server/cli.mjs, scripts/server-build.js) it is the compiled worker.mjs
 * beside it.
 */
const fromSources = import.meta.url.endsWith('.ts');
const workerFile = new URL(fromSources ? './worker.ts' : './worker.mjs', import.meta.url).href;
const execArgv = fromSources ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];

/**
 * One core is left to the request thread, so that a long task does not compete with trainers'
 * requests for it; tasks beyond the threads queue. Idle threads end after a minute and never keep
 * the process alive.
 */
const maxThreads = Math.max(1, os.availableParallelism() - 1);

/**
 * Tasks make much short-lived garbage (the quality figures: one comparison's rows at a time). With
 * V8's default young generation a worker grew by some 100 MB at a million rankings before
 * collecting it, with this one by 60 MB, at the same speed. The old generation is not capped: what
 * a task keeps (an import's) may need more.
 */
const resourceLimits = { maxYoungGenerationSizeMb: 12 };

let pool: Piscina | undefined;

/**
 * Runs a task of worker.ts in a worker thread, on its own connection to `dbFile`: work that grows
 * with a project without holding up the requests of others.
 */
/** A pool of worker threads running worker.ts, made when first needed. */
const newPool = (threads: number, idleTimeout: number) =>
  new Piscina({ filename: workerFile, execArgv, minThreads: 0, maxThreads: threads, idleTimeout, resourceLimits, workerData: writeWaitersMemory() });

export function runInWorker<T extends TaskName>(task: T, dbFile: string, args: TaskArgs<T>): Promise<TaskResult<T>> {
  pool ??= newPool(maxThreads, 60_000);
  return pool.run({ task, dbFile, args });
}

/**
 * Downloads running at once, each on a thread of its own for as long as its reader takes. A pool
 * apart from the tasks': a slow reader must not hold up an import or the quality figures.
 */
const STREAM_THREADS = 4;
/**
 * Downloads are rare and a thread starts in well under a second, so an idle one ends soon rather
 * than keeping its heap for the tasks' minute.
 */
const STREAM_IDLE_MS = 5_000;
let streams: Piscina | undefined;

/** The tasks that write to a port: their args without it. */
type StreamTask = 'exportToPort';

/**
 * Runs a task that makes a long output (a download) in a worker thread, and writes what it makes
 * to `out` on this thread: one chunk in flight at a time, so a slow reader slows the task rather
 * than filling memory. If `out` closes first (the reader went away), the task is stopped and this
 * resolves to null. Nothing of the output is built on the request thread.
 */
export async function streamFromWorker<T extends StreamTask>(
  task: T,
  dbFile: string,
  args: Omit<TaskArgs<T>, 'port'>,
  out: Writable,
): Promise<TaskResult<T> | null> {
  streams ??= newPool(STREAM_THREADS, STREAM_IDLE_MS);
  const { port1: here, port2: there } = new MessageChannel();
  const stop = new AbortController();
  const onClose = () => stop.abort();
  out.once('close', onClose);
  here.on('message', (chunk: Uint8Array) => {
    if (!out.destroyed) out.write(chunk, () => here.postMessage(null));
  });
  try {
    return (await streams.run({ task, dbFile, args: { ...args, port: there } }, { transferList: [there], signal: stop.signal })) as TaskResult<T>;
  } catch (error) {
    if (stop.signal.aborted) return null;
    throw error;
  } finally {
    out.off('close', onClose);
    here.close();
  }
}

/**
 * Ends the worker threads, when the server stops: tasks still running are abandoned, with their
 * connections (an import's staged rows are swept at the next start), so no worker holds the
 * database open after the server has closed it.
 */
export async function closeWorkers(): Promise<void> {
  const running = [pool, streams];
  pool = undefined;
  streams = undefined;
  await Promise.all(running.map((p) => p?.destroy()));
}
