// Run in a worker thread of the pool (server/workers/worker.ts): an HTTP import's checking and writing, and the sweep of killed imports.
import { withTaskConnection } from '#server/db/client.ts';
import { AppError } from '#server/http/errors.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import type { ImportResult } from '#shared/conversations.ts';
import { importFile, type ImportPhase } from './import.ts';
import { sweepAbandonedStagings } from './staging.ts';

/** Where a job's progress is shared with the request thread: the phase (its index), bytes read, file size. */
export const importPhases: readonly ImportPhase[] = ['checking', 'importing', 'finishing'];
export const newProgress = () => new Float64Array(new SharedArrayBuffer(3 * Float64Array.BYTES_PER_ELEMENT));
export const readProgress = (progress: Float64Array) => ({ phase: importPhases[progress[0]!]!, bytesDone: progress[1]!, bytesTotal: progress[2]! });

export interface ImportTaskArgs {
  slug: string;
  file: string;
  dryRun: boolean;
  actorId: number;
  progress: Float64Array;
}

/** An AppError does not survive the trip between threads as one: it comes back as its parts. */
export type ImportOutcome = { ok: true; result: ImportResult } | { ok: false; error: { status: number; code: string; message: string } };

/** Imports on a write connection of its own (withTaskConnection). */
export async function importTask(dbFile: string, { slug, file, dryRun, actorId, progress }: ImportTaskArgs): Promise<ImportOutcome> {
  return withTaskConnection(dbFile, async (db): Promise<ImportOutcome> => {
    try {
      const result = await importFile(db, getProject(db, slug), file, {
        dryRun,
        actorId,
        onProgress: (bytesDone, bytesTotal, phase) => {
          progress[0] = importPhases.indexOf(phase);
          if (phase !== 'finishing') [progress[1], progress[2]] = [bytesDone, bytesTotal];
        },
      });
      return { ok: true, result };
    } catch (error) {
      if (error instanceof AppError) return { ok: false, error: { status: error.status, code: error.code, message: error.message } };
      throw error;
    }
  });
}

/** Removes, in batches, what imports killed mid-way staged (staging.ts). */
export async function sweepStagingsTask(dbFile: string, _args: Record<string, never>): Promise<number> {
  return withTaskConnection(dbFile, sweepAbandonedStagings);
}
