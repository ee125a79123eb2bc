import { eq } from 'drizzle-orm';
import type { Db } from '#server/db/client.ts';
import { notFound } from '#server/http/errors.ts';
import { candidatesOf, pathTo } from '#server/modules/conversations/conversations.repository.ts';
import { projects } from '#server/modules/projects/projects.table.ts';
import { users } from '#server/modules/users/users.table.ts';
import type { ResearcherComparison } from '#shared/comparisons.ts';
import { comparisons, rankings } from './comparisons.table.ts';
import { toStoredRanking } from './rankings.usecases.ts';

/** A comparison with its candidates' provenance and every trainer's current ranking, for researchers. */
export function researcherComparison(db: Db, comparisonId: number): ResearcherComparison {
  const comparison = db.orm.select().from(comparisons).where(eq(comparisons.id, comparisonId)).get();
  if (!comparison) throw notFound(`Comparison ${comparisonId}`);
  const project = db.orm.select({ slug: projects.slug }).from(projects).where(eq(projects.id, comparison.projectId)).get()!;
  const authors = new Map(db.orm.select({ id: users.id, username: users.username }).from(users).all().map((u) => [u.id, u.username]));
  return {
    id: String(comparison.id),
    project: project.slug,
    conversationId: String(comparison.conversationId),
    context: pathTo(db, comparison.parentMessageId),
    candidates: candidatesOf(db, comparison.parentMessageId).map((c) => ({
      id: String(c.id),
      content: c.content,
      model: c.model,
      params: c.params ? JSON.parse(c.params) : null,
      finishReason: c.finishReason,
      author: c.authorId === null ? null : (authors.get(c.authorId) ?? null),
    })),
    rankingCount: comparison.rankingCount,
    rankings: db.orm
      .select()
      .from(rankings)
      .where(eq(rankings.comparisonId, comparisonId))
      .orderBy(rankings.id)
      .all()
      .map((r) => ({ ...toStoredRanking(r), annotator: authors.get(r.userId) ?? '' })),
  };
}
