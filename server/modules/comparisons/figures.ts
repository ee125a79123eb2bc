import { statementsFor, withTaskConnection, type Db } from '#server/db/client.ts';
import { writeInBatches } from '#server/db/batches.ts';
import { candidateIdsOf } from '#server/modules/conversations/conversations.repository.ts';
import { rankedPairsConsensus } from '#shared/consensus.ts';
import { comparisonAgreement } from '#shared/quality.ts';
import type { RankingGroups } from '#shared/rankings.ts';

// A comparison's own figures, agreement and consensus, stored on its row so that the researcher's
// list can sort and filter on them a page at a time (a million rankings cannot be read per page).
// Computed by the functions every other figure uses (shared/quality.ts, shared/consensus.ts),
// from the comparison's current rankings, in the transaction that changes them.

/** Agreement among a comparison's rankings (null with fewer than two) and their consensus, by ranked pairs. */
export const figuresOf = (candidateIds: readonly string[], rankings: readonly RankingGroups[]) => ({
  agreement: comparisonAgreement(rankings),
  consensus: rankedPairsConsensus(candidateIds, rankings),
});

const figureStatements = statementsFor(({ sqlite }) => ({
  rankings: sqlite.prepare<[number], string>('SELECT ranking FROM rankings WHERE comparison_id = ? ORDER BY id').pluck(),
  store: sqlite.prepare<[agreement: number | null, consensus: string, id: number]>('UPDATE comparisons SET agreement = ?, consensus = ? WHERE id = ?'),
  pending: sqlite.prepare<[number], { id: number; parentMessageId: number }>(`
    SELECT id, parent_message_id AS parentMessageId FROM comparisons INDEXED BY comparisons_figures_pending_idx
    WHERE consensus IS NULL AND ranking_count > 0 ORDER BY id LIMIT ?`),
}));

/**
 * Computes a comparison's figures from its rankings as they now are and stores them. Call in the
 * transaction that stored or replaced a ranking, with the comparison's candidate ids.
 */
export function storeFigures(db: Db, comparisonId: number, candidateIds: readonly string[]) {
  const s = figureStatements(db);
  const rankings = s.rankings.all(comparisonId).map((r) => JSON.parse(r) as RankingGroups);
  const { agreement, consensus } = figuresOf(candidateIds, rankings);
  s.store.run(agreement, JSON.stringify(consensus), comparisonId);
}

/** Whether ranked comparisons wait for their figures: rankings stored before migration 0008, or written by hand. */
export const figuresPending = (db: Db) => figureStatements(db).pending.all(1).length > 0;

/** Comparisons whose figures are computed per lookup of the pending ones. */
const BACKFILL_CHUNK = 50;

/**
 * Computes the figures of every comparison that waits for them, in short batches that leave the
 * write lock to others between them (server/db/batches.ts). Returns how many it computed.
 */
export async function backfillFigures(db: Db): Promise<number> {
  let done = 0;
  await writeInBatches(db, (inTime) => {
    while (inTime()) {
      const pending = figureStatements(db).pending.all(BACKFILL_CHUNK);
      if (pending.length === 0) return false;
      for (const c of pending) storeFigures(db, c.id, candidateIdsOf(db, c.parentMessageId));
      done += pending.length;
    }
    return true;
  });
  return done;
}

/** `backfillFigures` in a worker thread (server/workers/worker.ts), on a connection of its own. */
export async function backfillFiguresTask(dbFile: string, _args: Record<string, never>): Promise<number> {
  return withTaskConnection(dbFile, backfillFigures);
}
