import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { importResultSchema } from '#shared/conversations.ts';
import type { Db } from '#server/db/client.ts';
import { AppError } from '#server/http/errors.ts';
import { defineRoute, researchers } from '#server/http/route.ts';
import { projectParams } from '#server/modules/projects/projects.routes.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import { importFile } from './import.ts';

export const MAX_UPLOAD_BYTES = Number(process.env.ORDINAL_MAX_UPLOAD_BYTES ?? 4 * 1024 ** 3);

/** Streams a request body to a temporary file, so an upload of any size never sits in memory. */
async function spool(req: NodeJS.ReadableStream, limit: number): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordinal-import-'));
  const file = path.join(dir, 'upload.jsonl');
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
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return file;
}

export const importRoutes = (db: Db) => [
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
      const file = await spool(req, MAX_UPLOAD_BYTES);
      try {
        const result = importFile(db, project, file, { dryRun: query.dryRun, actorId: user!.id });
        // A file with bad lines is the client's mistake: 400, with every bad line in the body.
        if (result.errors.length) res.status(400).json({ ...result, error: { code: 'import.invalid_lines', message: `${result.errors.length + result.moreErrors} bad line(s); nothing was imported.`, details: result.errors } });
        return result;
      } finally {
        fs.rmSync(path.dirname(file), { recursive: true, force: true });
      }
    },
  }),
];
