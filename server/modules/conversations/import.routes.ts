import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { importResultSchema } from '#shared/conversations.ts';
import type { Db } from '#server/db/client.ts';
import { AppError } from '#server/http/errors.ts';
import { defineRoute, researchers } from '#server/http/route.ts';
import { uploadsDir } from '#server/paths.ts';
import { projectParams } from '#server/modules/projects/projects.routes.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import { importFile } from './import.ts';

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

export const importRoutes = (db: Db) => {
  const uploads = uploadsDir(db.file);
  // The app is built once per server start: the moment to sweep what a killed server left.
  sweepUploads(uploads);
  return [
    defineRoute({
      method: 'post',
      path: '/projects/:slug/import',
      summary: 'Import a JSONL file (docs/import-format.md) sent as the raw request body: all lines or none',
      roles: researchers,
      params: projectParams,
      query: z.object({ dryRun: z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1') }),
      rawBody: { mediaType: 'application/x-ndjson', description: 'One conversation per line (docs/import-format.md)' },
      response: importResultSchema,
      handler: async ({ user, params, query, req, res }) => {
        const project = getProject(db, params.slug);
        const file = await spool(req, uploads, MAX_UPLOAD_BYTES);
        try {
          const result = importFile(db, project, file, { dryRun: query.dryRun, actorId: user!.id });
          // A file with bad lines is the client's mistake: 400, with every bad line in the body.
          if (result.errors.length) res.status(400).json({ ...result, error: { code: 'import.invalid_lines', message: `${result.errors.length + result.moreErrors} bad line(s); nothing was imported.`, details: result.errors } });
          return result;
        } finally {
          fs.rmSync(file, { force: true });
        }
      },
    }),
  ];
};
