import { eq, inArray } from 'drizzle-orm';
import { statementsFor, type Db } from '#server/db/client.ts';
import { audit } from '#server/modules/audit/audit.ts';
import { rankingProblems } from '#shared/ranking-rules.ts';
import type { RankingGroups } from '#shared/rankings.ts';
import { candidateIdsOf, candidatesOf, pathTo } from '#server/modules/conversations/conversations.repository.ts';
import { projectArchived } from '#server/modules/projects/projects.errors.ts';
import { projectById } from '#server/modules/projects/projects.repository.ts';
import { users } from '#server/modules/users/users.table.ts';
import type { ResearcherComparison } from '#shared/comparisons.ts';
import { comparisonNotFound, goldNeedsNoMore, invalidGold } from './comparisons.errors.ts';
import { askForOneMoreRanking, writeGold } from './comparisons.rules.ts';
import { comparisons, rankings } from './comparisons.table.ts';
import { figuresOf } from './figures.ts';
import { toStoredRanking } from './rankings.usecases.ts';

/** Marks a comparison as gold with its expected order (or, with null, unmarks it). */
export function setGold(db: Db, comparisonId: number, ranking: RankingGroups | null, actorId: number) {
  db.sqlite
    .transaction(() => {
      const comparison = db.orm.select().from(comparisons).where(eq(comparisons.id, comparisonId)).get();
      if (!comparison) throw comparisonNotFound(comparisonId);
      const project = projectById(db, comparison.projectId)!;
      if (ranking) {
        const problems = rankingProblems({ ranking }, candidateIdsOf(db, comparison.parentMessageId), { ...project, ratings: [], flags: [] });
        if (problems.length) throw invalidGold(problems);
      }
      writeGold(db, comparisonId, ranking && JSON.stringify(ranking), project.overlap);
      audit(db, actorId, ranking ? 'gold.set' : 'gold.clear', `comparison:${comparisonId}`, ranking ? { ranking } : undefined);
    })
    .immediate();
}

/**
 * A candidate as researchers read it, from its stored message: the id as the API spells it, the
 * sampling params parsed. The one mapping, for the researcher's view and the native export alike.
 */
export const candidateOf = (c: { id: number; content: string; model?: string | null; params?: string | null; finishReason?: string | null }) => ({
  id: String(c.id),
  content: c.content,
  model: c.model ?? null,
  params: c.params ? (JSON.parse(c.params) as Record<string, unknown>) : null,
  finishReason: c.finishReason ?? null,
});

const researcherStatements = statementsFor(({ sqlite }) => ({
  source: sqlite.prepare<[number], { sourceId: string; metadata: string | null }>('SELECT external_id AS sourceId, metadata FROM conversations WHERE id = ?'),
  skips: sqlite.prepare<[number], { userId: number; reason: string; shownOrder: string; at: number }>(`
    SELECT user_id AS userId, skip_reason AS reason, shown_order AS shownOrder, skipped_at AS at
    FROM assignments WHERE comparison_id = ? AND skipped_at IS NOT NULL ORDER BY skipped_at`),
}));

/**
 * A comparison for researchers: where it came from (the import line's id and metadata), its
 * candidates' provenance, every trainer's current ranking and skip, and their agreement and
 * consensus, computed as the list stores them (figures.ts).
 */
export function researcherComparison(db: Db, comparisonId: number): ResearcherComparison {
  const comparison = db.orm.select().from(comparisons).where(eq(comparisons.id, comparisonId)).get();
  if (!comparison) throw comparisonNotFound(comparisonId);
  const s = researcherStatements(db);
  const project = projectById(db, comparison.projectId)!;
  const source = s.source.get(comparison.conversationId)!;
  const candidates = candidatesOf(db, comparison.parentMessageId);
  const rows = db.orm.select().from(rankings).where(eq(rankings.comparisonId, comparisonId)).orderBy(rankings.id).all();
  const skips = s.skips.all(comparisonId);
  // Only the people this page names, not every user.
  const ids = [...new Set([...candidates.map((c) => c.authorId), ...rows.map((r) => r.userId), ...skips.map((k) => k.userId)].filter((id) => id !== null))];
  const authors = new Map(
    (ids.length ? db.orm.select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, ids)).all() : []).map((u) => [
      u.id,
      u.username,
    ]),
  );
  const figures = figuresOf(
    candidates.map((c) => String(c.id)),
    rows.map((r) => r.ranking),
  );
  return {
    id: String(comparison.id),
    project: project.slug,
    conversationId: String(comparison.conversationId),
    sourceId: source.sourceId,
    metadata: source.metadata === null ? null : (JSON.parse(source.metadata) as Record<string, unknown>),
    context: pathTo(db, comparison.parentMessageId),
    candidates: candidates.map((c) => ({
      ...candidateOf(c),
      servedModel: c.servedModel,
      author: c.authorId === null ? null : (authors.get(c.authorId) ?? null),
    })),
    rankingCount: comparison.rankingCount,
    overlap: project.overlap + comparison.extraOverlap,
    extraOverlap: comparison.extraOverlap,
    done: comparison.done,
    goldRanking: comparison.goldRanking,
    agreement: figures.agreement,
    consensus: rows.length ? figures.consensus : null,
    rankings: rows.map((r) => ({ ...toStoredRanking(r), annotator: authors.get(r.userId) ?? '' })),
    skips: skips.map((k) => ({
      annotator: authors.get(k.userId) ?? '',
      reason: k.reason,
      shownOrder: JSON.parse(k.shownOrder) as string[],
      at: new Date(k.at).toISOString(),
    })),
  };
}

/**
 * Sends a comparison back for one more ranking: it asks for one more than it did, and the queue
 * hands it to a trainer who has not had it. A gold item is given to every trainer anyway.
 */
export function askForMoreRankings(db: Db, comparisonId: number, actorId: number) {
  db.sqlite
    .transaction(() => {
      const comparison = db.orm.select().from(comparisons).where(eq(comparisons.id, comparisonId)).get();
      if (!comparison) throw comparisonNotFound(comparisonId);
      if (comparison.goldRanking) throw goldNeedsNoMore(comparisonId);
      const project = projectById(db, comparison.projectId)!;
      if (project.archivedAt !== null) throw projectArchived(project.slug, ' and takes no more rankings');
      askForOneMoreRanking(db, comparisonId, project.overlap);
      audit(db, actorId, 'comparison.more_rankings', `comparison:${comparisonId}`, { extraOverlap: comparison.extraOverlap + 1 });
    })
    .immediate();
}

/** Moves every comparison of one project into another (an import's staging, published); the triggers of migrations/0006 move their counts. */
export function moveComparisons(db: Db, fromProjectId: number, toProjectId: number): number {
  return db.orm.update(comparisons).set({ projectId: toProjectId }).where(eq(comparisons.projectId, fromProjectId)).run().changes;
}

/** Deletes the comparisons of the conversations `conversationIds` selects (SQL), which nobody has ranked yet: an import's staged ones. */
export function deleteUnrankedComparisonsOf(db: Db, conversationIds: string): void {
  db.sqlite.exec(`DELETE FROM comparisons WHERE conversation_id IN (${conversationIds})`);
}
