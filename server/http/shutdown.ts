import { once } from 'node:events';
import type { Server } from 'node:http';
import type { OrdinalApp } from '#server/app.ts';
import type { Db } from '#server/db/client.ts';
import type { Logger } from '#server/logger.ts';
import { closeWorkers } from '#server/workers/pool.ts';

/**
 * Stops the server within `graceMs`, losing nothing acknowledged: it accepts no new connection,
 * ends open model streams with a final event, lets requests in flight finish (each answer then
 * closes its connection), and after the grace period closes whatever connections remain. Changes
 * waiting for the group commit are committed, worker threads end (a long task is abandoned), and
 * the database is closed cleanly (its WAL checkpointed into the file). A second call (a second Ctrl+C) skips the wait.
 */
export function gracefulShutdown(server: Server, app: OrdinalApp, db: Db, logger: Logger, graceMs: number) {
  let done: Promise<void> | undefined;
  return (): Promise<void> => {
    if (done) {
      server.closeAllConnections();
      return done;
    }
    logger.info({ graceMs }, 'stopping: finishing requests in flight');
    // Every answer from now on tells a kept-alive client (a browser) to let go of its connection.
    server.prependListener('request', (_req, res) => res.setHeader('Connection', 'close'));
    const closed = once(server, 'close');
    server.close();
    app.beginShutdown();
    server.closeIdleConnections();
    const timer = setTimeout(() => {
      logger.warn('stopping: closing connections still open after the grace period');
      server.closeAllConnections();
    }, graceMs);
    done = (async () => {
      await closed;
      clearTimeout(timer);
      await closeWorkers();
      // A change queued by the last request commits in the group commit's next turn (setImmediate).
      await new Promise((resolve) => setImmediate(resolve));
      db.sqlite.close();
      logger.info('stopped');
    })();
    return done;
  };
}
