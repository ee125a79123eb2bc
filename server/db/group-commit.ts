import { databaseUnavailable } from './db.errors.ts';
import type Database from 'better-sqlite3';
import type { Sqlite } from './client.ts';
import { waitForWriteLock } from './write-waiters.ts';

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
/** How long a batch may wait for another connection's write lock (an import's batch, a CLI command) before its callers hear 503. */
const LOCK_WAIT_MS = 15_000;
/**
 * The longest pause between tries for the lock. Other connections hold it for a batch at a time and
 * pause longer than this between batches (server/db/batches.ts), so a waiting batch gets in at the next pause.
 */
export const LONGEST_RETRY_PAUSE_MS = 20;
/**
 * Pauses between tries for the lock: short at first, since a long write of this process (an HTTP
 * import) lets go of it as soon as it sees a writer waiting (write-waiters.ts).
 */
const retryDelay = (tries: number) => Math.min(LONGEST_RETRY_PAUSE_MS, 2 * 2 ** tries);

const isBusy = (error: unknown) => (error as { code?: string })?.code?.startsWith('SQLITE_BUSY') === true;

export function createGroupCommit(sqlite: Sqlite) {
  const queue: Job[] = [];
  // Prepared at the first batch: a read-only handle (exports) carries a group commit it never uses.
  let statements: Record<'begin' | 'commit' | 'rollback', Database.Statement<[]>> | undefined;
  /** The connection's own busy timeout, put back after each try for the lock. */
  let busyTimeout: number | undefined;
  /** While a batch waits for the write lock, later changes join it instead of starting their own. */
  let waiting = false;
  /** Counts the waiting batch out of this process's writers waiting for the lock. */
  let stopWaiting: (() => void) | undefined;

  /**
   * Takes the write lock for a batch. Another connection holding it is waited for without blocking
   * the event loop (the connection's own busy timeout is short): the batch is tried again a few
   * milliseconds later, and whatever arrived meanwhile joins it.
   */
  function flush(tries = 0, since = performance.now()) {
    waiting = false;
    statements ??= { begin: sqlite.prepare('BEGIN IMMEDIATE'), commit: sqlite.prepare('COMMIT'), rollback: sqlite.prepare('ROLLBACK') };
    busyTimeout ??= Number(sqlite.pragma('busy_timeout', { simple: true }));
    try {
      // The lock is asked for without SQLite's busy wait, which would block the thread. (A prepared
      // PRAGMA statement cannot be kept for this: SQLite runs busy_timeout when it is prepared.)
      sqlite.pragma('busy_timeout = 0');
      statements.begin.run();
    } catch (cause) {
      if (isBusy(cause) && performance.now() - since < LOCK_WAIT_MS) {
        waiting = true;
        stopWaiting ??= waitForWriteLock();
        setTimeout(() => flush(tries + 1, since), retryDelay(tries));
        return;
      }
      stopWaiting?.();
      stopWaiting = undefined;
      return fail(queue.splice(0), cause);
    } finally {
      sqlite.pragma(`busy_timeout = ${busyTimeout}`);
    }
    stopWaiting?.();
    stopWaiting = undefined;
    run(queue.splice(0));
  }

  function fail(jobs: Job[], cause: unknown) {
    const error = databaseUnavailable();
    error.cause = cause;
    for (const job of jobs) job.reject(error);
  }

  /** Runs the batch's jobs in the open transaction, each in its savepoint, and commits. */
  function run(jobs: Job[]) {
    const { commit, rollback } = statements!;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
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
      return fail(jobs, cause);
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
      if (queue.length === 0 && !waiting) setImmediate(flush);
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  };
}

export type GroupCommit = ReturnType<typeof createGroupCommit>;
