import { z } from 'zod';
import { importResultSchema } from './conversations.ts';

/**
 * Where an import job is: checking every line, writing them (invisibly, in batches), making them
 * visible in one step, then done (with today's import result) or failed (with the error a
 * synchronous import would have answered).
 */
export const importJobStateSchema = z.enum(['checking', 'importing', 'finishing', 'done', 'failed']);
export type ImportJobState = z.infer<typeof importJobStateSchema>;

export const importJobSchema = z.object({
  id: z.string().uuid(),
  project: z.string(),
  dryRun: z.boolean(),
  state: importJobStateSchema,
  /** Bytes of the file read in the current pass (checking, then importing), of `bytesTotal`. */
  bytesDone: z.number().int(),
  bytesTotal: z.number().int(),
  /** Once done. A file with bad lines is done too, with the lines in `result.errors` and nothing imported. */
  result: importResultSchema.nullable(),
  /** Once failed: the error the synchronous route answers with, and its HTTP status. */
  error: z.object({ status: z.number().int(), code: z.string(), message: z.string() }).nullable(),
});
export type ImportJob = z.infer<typeof importJobSchema>;
