import path from 'node:path';
import { exportsApi } from '#shared/contract/exports.ts';
import { config } from '#server/config.ts';
import type { Db } from '#server/db/client.ts';
import type { Logger } from '#server/logger.ts';
import { implement } from '#server/http/route.ts';
import { audit } from '#server/modules/audit/audit.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import { runInWorker, streamFromWorker } from '#server/workers/pool.ts';

export const exportRoutes = (db: Db, logger: Logger) => [
  implement(exportsApi.download, async ({ user, params, query, res }) => {
    const project = getProject(db, params.slug);
    const name = [project.slug, query.format, query.rows === 'consensus' ? 'consensus' : null, query.split].filter(Boolean).join('-');
    db.sqlite.transaction(() => audit(db, user.id, 'export', `project:${project.slug}`, { ...query }))();
    res.status(200);
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${name}.jsonl"`);
    res.setHeader('Cache-Control', 'no-store');
    // A reader that takes nothing for this long is let go: the export holds a read snapshot open,
    // and while it does no checkpoint can empty the WAL, which grows with every trainer's answer.
    // (Only a reader with bytes waiting for it stalls; a slow query of ours re-arms the timer.)
    const idleMs = config().ORDINAL_EXPORT_IDLE_TIMEOUT_MS;
    const onIdle = () => {
      if (res.writableLength === 0) return res.setTimeout(idleMs);
      logger.warn({ project: project.slug, format: query.format, idleMs }, 'export: the client took nothing for too long; closing the download');
      res.destroy();
    };
    res.setTimeout(idleMs, onIdle);
    // Built in a worker thread: a million rankings' records must not hold up trainers' requests.
    const written = await streamFromWorker('exportToPort', db.file, { project, options: query }, res);
    // A reader that stops early (head -1, a closed tab) is no failure of the server's.
    if (written === null || res.destroyed) logger.info({ project: project.slug, format: query.format }, 'export: the client went away before the end');
    else {
      res.setTimeout(0);
      res.end();
    }
  }),
  // Counting reads every record the export would write: in a worker thread, never on the request thread.
  implement(exportsApi.count, ({ params, query }) => runInWorker('exportCount', db.file, { project: getProject(db, params.slug), options: query })),
  // Absolute: the command shown runs from wherever the researcher's shell is on the server machine.
  implement(exportsApi.cli, ({ params }) => {
    getProject(db, params.slug);
    return { database: path.resolve(db.file) };
  }),
];
