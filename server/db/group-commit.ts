import { AppError } from '#server/http/errors.ts';
import type Database from 'better-sqlite3';
import type { Sqlite } from './client.ts';

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the busiest writes (a trainer's `next` and ranking): the changes asked for during
 * one turn of the event loop run back to back in one SQLite transaction, each in its own savepoint,
 * and each caller hears back only once that transaction has committed. One COMMIT then writes the
 * WAL frames of many answers, and pages that several answers touch are written once.
 *
 * A change that throws is rolled back alone (its savepoint) and its caller gets the error; the
 * others still commit. If the transaction as a whole cannot begin or commit, every caller in it is
 * told that nothing was stored, so an answer is never acknowledged before it is durable.
 * All jobs of a batch run inside one synchronous call, so no other code ever sees the transaction open.
 */
export function createGroupCommit(sqlite: Sqlite) {
  let queue: Job[] = [];
  // Prepared at the first batch: a read-only handle (exports) carries a group commit it never uses.
  let statements: Record<'begin' | 'commit' | 'rollback', Database.Statement<[]>> | undefined;

  function flush() {
    const jobs = queue;
    queue = [];
    statements ??= { begin: sqlite.prepare('BEGIN IMMEDIATE'), commit: sqlite.prepare('COMMIT'), rollback: sqlite.prepare('ROLLBACK') };
    const { begin, commit, rollback } = statements;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      begin.run();
      for (const job of jobs) {
        try {
          outcomes.push({ ok: true, value: sqlite.transaction(job.work)() });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
        // Some failures (a full disk, an I/O error) make SQLite roll back the whole transaction.
        if (!sqlite.inTransaction) throw new Error('the transaction was rolled back by SQLite');
      }
      commit.run();
    } catch (cause) {
      if (sqlite.inTransaction) rollback.run();
      const error = new AppError(503, 'db.unavailable', 'The database could not store this change, so nothing was saved. Try again.');
      error.cause = cause;
      for (const job of jobs) job.reject(error);
      return;
    }
    jobs.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }

  /** Runs `work` in the next group transaction; resolves with its result once that has committed. */
  return function grouped<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // setImmediate runs after the poll phase: every request read in this turn joins the batch.
      if (queue.length === 0) setImmediate(flush);
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  };
}

export type GroupCommit = ReturnType<typeof createGroupCommit>;
