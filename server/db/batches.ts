import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from './client.ts';
import { LONGEST_RETRY_PAUSE_MS } from './group-commit.ts';
import { writersWaiting } from './write-waiters.ts';

/**
 * How long one batch of a long write (an import, a sweep of what one left) holds the write lock at
 * most: what another process's write (the server's, while the CLI imports) may have to wait. At
 * 50 ms a trainer's p99 during a 100k-line import was 4× the idle one (bench/big-project.ts), at
 * 15 ms about 2×. A writer of the same process is not kept waiting that long (write-waiters.ts).
 */
export const BATCH_MS = 15;

/**
 * The pause between two batches, with the lock released: longer than the group commit's longest
 * pause between tries for it, so a trainer's write that waits for it always gets in before the next
 * batch. (SQLite's own busy handler, on other connections, tries at least every 50 ms.)
 */
const PAUSE_MS = LONGEST_RETRY_PAUSE_MS + 10;

/**
 * How long a batch writes at least before a waiting writer of this process ends it: with trainers'
 * writes coming all the time, batches ended at once at every one of them left an import some 3× slower.
 */
const SHORTEST_BATCH_MS = 3;

/**
 * Runs a long write as a series of short IMMEDIATE transactions, pausing between them so that other
 * connections' writes get in. `step` does some of the work inside the transaction, for as long as
 * `inTime()` says, and returns whether any is left.
 *
 * A batch that a writer of this process waits for (write-waiters.ts) ends early, and the pause after
 * it lasts only until that writer is in. `prepare`, if given, does during each pause, for as long as
 * its `inTime()` says, work that needs no lock (reading and checking what the next batch writes), so
 * that the pauses cost the write little time.
 */
export async function writeInBatches(db: Db, step: (inTime: () => boolean) => boolean, prepare?: (inTime: () => boolean) => void): Promise<void> {
  let yielded = false;
  const batch = db.sqlite.transaction(() => {
    // Timed from when the lock is held: taking it may have waited.
    const started = performance.now();
    return step(() => {
      const now = performance.now();
      if (now >= started + BATCH_MS) return false;
      yielded = now >= started + SHORTEST_BATCH_MS && writersWaiting();
      return !yielded;
    });
  });
  while (batch.immediate()) {
    const pauseEnds = performance.now() + PAUSE_MS;
    const pausing = () => performance.now() < pauseEnds && (!yielded || writersWaiting());
    prepare?.(pausing);
    while (pausing()) await sleep(yielded ? 1 : pauseEnds - performance.now());
    yielded = false;
  }
}

/**
 * After a long write, gives the WAL's pages back to the database file and truncates it, if that can
 * be done at once: journal_size_limit alone leaves it as large as the limit, and only once it restarts.
 * Never waits, since a pending truncating checkpoint holds up every other writer: with a reader in
 * the way (an export), it is left to later checkpoints.
 */
export function shrinkWal(db: Db): void {
  const busyTimeout = Number(db.sqlite.pragma('busy_timeout', { simple: true }));
  try {
    db.sqlite.pragma('busy_timeout = 0');
    db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.sqlite.pragma(`busy_timeout = ${busyTimeout}`);
  }
}
