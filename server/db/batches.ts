import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from './client.ts';
import { LONGEST_RETRY_PAUSE_MS } from './group-commit.ts';

/**
 * How long one batch of a long write (an import, a sweep of what one left) holds the write lock at
 * most: what a trainer's write may have to wait. At 50 ms a trainer's p99 during a 100k-line import
 * was 4× the idle one (bench/big-project.ts); at 15 ms about 2×, with the import 75% slower.
 */
export const BATCH_MS = 15;

/**
 * The pause between two batches, with the lock released: longer than the group commit's longest
 * pause between tries for it, so a trainer's write that waits for it always gets in before the next
 * batch. (SQLite's own busy handler, on other connections, tries at least every 50 ms.)
 */
const PAUSE_MS = LONGEST_RETRY_PAUSE_MS + 10;

/**
 * Runs a long write as a series of short IMMEDIATE transactions, pausing between them so that other
 * connections' writes get in. `step` does some of the work inside the transaction, for as long as
 * `inTime()` says, and returns whether any is left.
 */
export async function writeInBatches(db: Db, step: (inTime: () => boolean) => boolean): Promise<void> {
  for (let first = true; ; first = false) {
    if (!first) await sleep(PAUSE_MS);
    const until = performance.now() + BATCH_MS;
    const more = db.sqlite.transaction(() => step(() => performance.now() < until)).immediate();
    if (!more) return;
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
