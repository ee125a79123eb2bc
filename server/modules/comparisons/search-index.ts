import { statementsFor, withTaskConnection, type Db } from '#server/db/client.ts';
import { writeInBatches } from '#server/db/batches.ts';
import type { Logger } from '#server/logger.ts';
import { runInWorker } from '#server/workers/pool.ts';

// The text search of the researcher's list (docs/decisions/0008): one FTS5 document per comparison
// in `comparison_search` (rowid = comparison id), holding the import line's id, its metadata as
// "key value" lines and every message of its conversation. Triggers only queue what is to be
// written (comparison_search_queue: a comparison made, or deleted); the documents are written here,
// many per statement, in batches that yield to trainers, in a worker thread. A comparison's answers
// are all written before it is made (imports, sampling, chats), so its document is written once.
// Code that ever adds an answer to an existing comparison must queue it again (`reindex`).

/**
 * A metadata value as the search index holds it and the list's filter compares it: JSON's true,
 * false and null as those words, numbers and strings as they read, objects and arrays as JSON. SQL
 * on a row of `json_each`, `j`.
 */
export const metadataValue = "CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null' ELSE CAST(j.value AS TEXT) END";

/**
 * Pages of the index's b-trees merged per step. FTS5's own merging is off (migration 0009): at a
 * commit it merged as much as the transaction had written, holding the write lock up to 80 ms; in
 * steps of 16 pages after each chunk the longest batch of a 400k-comparison backfill took 7 ms.
 */
const MERGE_PAGES = 16;

const indexStatements = statementsFor(({ sqlite }) => ({
  queued: sqlite.prepare<[number], { id: number; reindex: number }>(
    'SELECT comparison_id AS id, reindex FROM comparison_search_queue ORDER BY comparison_id LIMIT ?',
  ),
  // One by one, by rowid: FTS5 would read its whole table for `rowid IN (…)`.
  unindex: sqlite.prepare<[number]>('DELETE FROM comparison_search WHERE rowid = ?'),
  index: sqlite.prepare<[string]>(`
    INSERT INTO comparison_search (rowid, source_id, metadata, messages)
    SELECT c.id, v.external_id,
           (SELECT group_concat(j.key || ' ' || ${metadataValue}, char(10)) FROM json_each(v.metadata) j),
           (SELECT group_concat(m.content, char(10)) FROM messages m WHERE m.conversation_id = c.conversation_id)
    FROM comparisons c JOIN conversations v ON v.id = c.conversation_id
    WHERE c.id IN (SELECT value FROM json_each(?))`),
  dequeue: sqlite.prepare<[string]>('DELETE FROM comparison_search_queue WHERE comparison_id IN (SELECT value FROM json_each(?))'),
  pending: sqlite.prepare<[number], number>('SELECT count(*) FROM (SELECT 1 FROM comparison_search_queue LIMIT ?)').pluck(),
  // FTS5 takes no parameter in its commands.
  merge: sqlite.prepare(`INSERT INTO comparison_search (comparison_search, rank) VALUES ('merge', ${MERGE_PAGES})`),
  totalChanges: sqlite.prepare<[], number>('SELECT total_changes()').pluck(),
}));

/** Merges some of the index's b-trees (FTS5's 'merge' command); false if none needed it. Call in a transaction. */
function mergeSome(db: Db): boolean {
  const s = indexStatements(db);
  const before = s.totalChanges.get()!;
  s.merge.run();
  // FTS5's documented way to tell: a merge that did anything counts two changes or more.
  return s.totalChanges.get()! - before >= 2;
}

/** Comparisons whose documents are written per statement: some 5 ms of FTS5. */
const CHUNK = 200;

/** Writes the documents of the next queued comparisons (a deleted one's is only removed). Call in a transaction. Returns how many. */
export function indexQueued(db: Db, limit = CHUNK): number {
  const s = indexStatements(db);
  const queued = s.queued.all(limit);
  if (queued.length === 0) return 0;
  for (const q of queued) if (q.reindex) s.unindex.run(q.id);
  const ids = JSON.stringify(queued.map((q) => q.id));
  s.index.run(ids);
  s.dequeue.run(ids);
  return queued.length;
}

/** Empties the queue, and merges what it wrote into the index, in short batches that leave the write lock to others between them (server/db/batches.ts). */
export async function indexSearch(db: Db): Promise<number> {
  let written = 0;
  await writeInBatches(db, (inTime) => {
    while (inTime()) {
      const n = indexQueued(db);
      written += n;
      if (!mergeSome(db) && n === 0) return false;
    }
    return true;
  });
  return written;
}

/** `indexSearch` in a worker thread (server/workers/worker.ts), on a connection of its own. */
export async function indexSearchTask(dbFile: string, _args: Record<string, never>): Promise<number> {
  return withTaskConnection(dbFile, indexSearch);
}

/** Comparisons not searchable yet, counted up to `limit`: a page must not count a whole import. */
export const searchPending = (db: Db, limit = 10_000) => indexStatements(db).pending.get(limit)!;

/** Per database, the worker's run that empties the queue, while one runs. */
const running = new WeakMap<Db, Promise<unknown>>();

/**
 * Starts emptying the queue in a worker thread, unless a run is on its way (a second would only
 * wait for the first's lock). What is queued after a run found the queue empty waits for the next call.
 */
export function catchUpSearch(db: Db, logger: Logger): void {
  if (running.has(db)) return;
  const run = runInWorker('indexSearch', db.file, {})
    .catch((error: unknown) => logger.error({ err: error }, 'writing the search index failed; it is tried again at the next search'))
    .finally(() => running.delete(db));
  running.set(db, run);
}
