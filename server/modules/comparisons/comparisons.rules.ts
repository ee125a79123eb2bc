import { statementsFor, type Db } from '#server/db/client.ts';

// The comparisons' own rules, each in one place: when a comparison is done, and when a lease still
// holds a slot. Other modules ask (projects: `redecideDone`; the queue and the ranking path:
// `hasRoomFor`) and never write these columns themselves. A comparison asks for the project's overlap
// of rankings plus its own `extra_overlap` (`wantedRankings`). The project's count of completed
// comparisons (done and not gold) is kept by the triggers of migrations/0006 from `done`.

/**
 * A lease counts against a comparison's overlap while it is neither answered, skipped nor
 * expired. SQL on `assignments a`, at `@now`.
 */
export const LIVE_LEASE = 'a.completed_at IS NULL AND a.skipped_at IS NULL AND a.expires_at > @now';

/**
 * How many rankings a comparison asks for: the project's `@overlap`, plus the ones a researcher
 * asked for on top (`extra_overlap`). SQL on `comparisons` (optionally aliased `c`).
 */
export const wantedRankings = (extraOverlap = 'extra_overlap') => `(@overlap + ${extraOverlap})`;

/**
 * "Done": the regular queue needs nothing more of a comparison once it is gold (gold items ignore
 * overlap: every trainer may answer each once) or its rankings meet the rankings it asks for.
 * SQL for an UPDATE of `comparisons`, given the gold ranking, the ranking count and the extra
 * overlap as they will be after it (an UPDATE's expressions read the row as it was).
 */
export const doneWhen = (gold = 'gold_ranking', rankingCount = 'ranking_count', extraOverlap = 'extra_overlap') =>
  `(${gold} IS NOT NULL OR ${rankingCount} >= ${wantedRankings(extraOverlap)})`;

/**
 * A comparison that may be offered to `@userId`: open in `@projectId`, and not written by them (no
 * one ranks their own chat). SQL on `comparisons c`.
 */
export const OPEN_FOR_TRAINER = 'c.project_id = @projectId AND c.done = 0 AND (c.author_id IS NULL OR c.author_id != @userId)';

/**
 * The comparison's rankings and the other trainers' live leases leave a slot for `@userId`. SQL on
 * `comparisons c`, at `@now`, for `@overlap`.
 */
export const ROOM_FOR_TRAINER = `c.ranking_count + (SELECT count(*) FROM assignments a WHERE a.comparison_id = c.id AND a.user_id != @userId AND ${LIVE_LEASE}) < ${wantedRankings('c.extra_overlap')}`;

const ruleStatements = statementsFor(({ sqlite: s }) => ({
  hasRoomFor: s.prepare<{ comparisonId: number; userId: number; now: number; overlap: number }, { ok: number }>(`
    SELECT c.gold_ranking IS NOT NULL OR ${ROOM_FOR_TRAINER} AS ok
    FROM comparisons c WHERE c.id = @comparisonId`),
  setGold: s.prepare<{ id: number; gold: string | null; overlap: number }>(
    `UPDATE comparisons SET gold_ranking = @gold, done = ${doneWhen('@gold')} WHERE id = @id`,
  ),
  redecideDone: s.prepare<{ projectId: number; overlap: number }>(`UPDATE comparisons SET done = ${doneWhen()}, full_until = 0 WHERE project_id = @projectId`),
  // A slot comes free: the comparison is no longer full, and not done unless gold.
  askForOneMore: s.prepare<{ id: number; overlap: number }>(
    `UPDATE comparisons SET extra_overlap = extra_overlap + 1, done = ${doneWhen('gold_ranking', 'ranking_count', 'extra_overlap + 1')}, full_until = 0 WHERE id = @id`,
  ),
}));

/**
 * Whether a slot is free for this trainer's own (possibly expired) lease, not counting it: a gold
 * item always has room; otherwise the rankings and the others' live leases must leave one.
 */
export const hasRoomFor = (db: Db, q: { comparisonId: number; userId: number; now: number; overlap: number }) =>
  Boolean(ruleStatements(db).hasRoomFor.get(q)?.ok);

/** Marks a comparison as gold with its expected order (or, with null, unmarks it), deciding again whether it is done. */
export const writeGold = (db: Db, id: number, gold: string | null, overlap: number) => ruleStatements(db).setGold.run({ id, gold, overlap });

/** Asks for one ranking more of a comparison than it asked for: it goes back to the queue, which hands it to one more trainer. */
export const askForOneMoreRanking = (db: Db, id: number, overlap: number) => ruleStatements(db).askForOneMore.run({ id, overlap });

/** A project's overlap changed: which of its comparisons are done is decided again, and none counts as full any more. */
export const redecideDone = (db: Db, projectId: number, overlap: number) => ruleStatements(db).redecideDone.run({ projectId, overlap });
