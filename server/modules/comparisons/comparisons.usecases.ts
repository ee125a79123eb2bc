import { eq, inArray } from 'drizzle-orm';
import type { Db } from '#server/db/client.ts';
import { audit } from '#server/modules/audit/audit.ts';
import { rankingProblems } from '#shared/ranking-rules.ts';
import type { RankingGroups } from '#shared/rankings.ts';
import { candidateIdsOf, candidatesOf, pathTo } from '#server/modules/conversations/conversations.repository.ts';
import { projectById } from '#server/modules/projects/projects.repository.ts';
import { users } from '#server/modules/users/users.table.ts';
import type { ComparisonList, ResearcherComparison } from '#shared/comparisons.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import { comparisonNotFound, invalidGold } from './comparisons.errors.ts';
import { writeGold } from './comparisons.rules.ts';
import { comparisons, rankings } from './comparisons.table.ts';
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

/** A comparison with its candidates' provenance and every trainer's current ranking, for researchers. */
export function researcherComparison(db: Db, comparisonId: number): ResearcherComparison {
  const comparison = db.orm.select().from(comparisons).where(eq(comparisons.id, comparisonId)).get();
  if (!comparison) throw comparisonNotFound(comparisonId);
  const project = projectById(db, comparison.projectId)!;
  const candidates = candidatesOf(db, comparison.parentMessageId);
  const rows = db.orm.select().from(rankings).where(eq(rankings.comparisonId, comparisonId)).orderBy(rankings.id).all();
  // Only the people this page names, not every user.
  const ids = [...new Set([...candidates.map((c) => c.authorId), ...rows.map((r) => r.userId)].filter((id): id is number => id !== null))];
  const authors = new Map(
    (ids.length ? db.orm.select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, ids)).all() : []).map((u) => [
      u.id,
      u.username,
    ]),
  );
  return {
    id: String(comparison.id),
    project: project.slug,
    conversationId: String(comparison.conversationId),
    context: pathTo(db, comparison.parentMessageId),
    candidates: candidates.map((c) => ({
      ...candidateOf(c),
      servedModel: c.servedModel,
      author: c.authorId === null ? null : (authors.get(c.authorId) ?? null),
    })),
    rankingCount: comparison.rankingCount,
    goldRanking: comparison.goldRanking,
    rankings: rows.map((r) => ({ ...toStoredRanking(r), annotator: authors.get(r.userId) ?? '' })),
  };
}

const PREVIEW_CHARS = 160;

/** A page of a project's comparisons, oldest first, for researchers to browse. */
export function listComparisons(
  db: Db,
  project: ProjectRow,
  query: { after: number; limit: number; status: 'all' | 'open' | 'done' | 'ranked' },
): ComparisonList {
  const filter = { all: '', open: 'AND c.done = 0', done: 'AND c.done = 1', ranked: 'AND c.ranking_count > 0' }[query.status];
  const rows = db.sqlite
    .prepare<
      [number, number, number],
      { id: number; conversationId: number; prompt: string; candidates: number; rankingCount: number; done: number; createdAt: number }
    >(
      `
      SELECT c.id, c.conversation_id AS conversationId, substr(p.content, 1, ${PREVIEW_CHARS + 1}) AS prompt,
             (SELECT count(*) FROM messages m WHERE m.parent_id = c.parent_message_id AND m.role = 'assistant') AS candidates,
             c.ranking_count AS rankingCount, c.done, c.created_at AS createdAt
      FROM comparisons c JOIN messages p ON p.id = c.parent_message_id
      WHERE c.project_id = ? AND c.id > ? ${filter}
      ORDER BY c.id LIMIT ?`,
    )
    .all(project.id, query.after, query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    comparisons: page.map((r) => ({
      id: String(r.id),
      conversationId: String(r.conversationId),
      prompt: r.prompt.length > PREVIEW_CHARS ? `${r.prompt.slice(0, PREVIEW_CHARS)}…` : r.prompt,
      candidates: r.candidates,
      rankingCount: r.rankingCount,
      done: r.done === 1,
      createdAt: new Date(r.createdAt).toISOString(),
    })),
    nextAfter: rows.length > query.limit ? page.at(-1)!.id : null,
  };
}

/** Moves every comparison of one project into another (an import's staging, published); the triggers of migrations/0006 move their counts. */
export function moveComparisons(db: Db, fromProjectId: number, toProjectId: number): number {
  return db.orm.update(comparisons).set({ projectId: toProjectId }).where(eq(comparisons.projectId, fromProjectId)).run().changes;
}

/** Deletes the comparisons of the conversations `conversationIds` selects (SQL), which nobody has ranked yet: an import's staged ones. */
export function deleteUnrankedComparisonsOf(db: Db, conversationIds: string): void {
  db.sqlite.exec(`DELETE FROM comparisons WHERE conversation_id IN (${conversationIds})`);
}
