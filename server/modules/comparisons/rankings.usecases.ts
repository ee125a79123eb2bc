import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '#server/db/client.ts';
import type { AuthUser } from '#server/http/auth.ts';
import { AppError, badRequest, conflict, notFound } from '#server/http/errors.ts';
import { audit } from '#server/modules/audit/audit.ts';
import { candidatesOf } from '#server/modules/conversations/conversations.repository.ts';
import { projects } from '#server/modules/projects/projects.table.ts';
import { rankingProblems, type StoredRanking, type SubmitRanking } from '#shared/rankings.ts';
import { assignments, comparisons, rankingRevisions, rankings, type RankingRow } from './comparisons.table.ts';

export const toStoredRanking = (row: RankingRow): StoredRanking => ({
  comparisonId: String(row.comparisonId),
  ranking: row.ranking,
  ratings: row.ratings,
  flags: row.flags,
  note: row.note,
  durationMs: row.durationMs,
  shownOrder: row.shownOrder,
  revision: row.revision,
  createdAt: new Date(row.createdAt).toISOString(),
  updatedAt: new Date(row.updatedAt).toISOString(),
});

export const findRanking = (db: Db, comparisonId: number, userId: number) =>
  db.orm
    .select()
    .from(rankings)
    .where(and(eq(rankings.comparisonId, comparisonId), eq(rankings.userId, userId)))
    .get();

/** JSON with sorted object keys, so that equal answers compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

/** The parts of a submission that make up an answer: what "the same body" means. */
function answerOf(body: SubmitRanking) {
  return { ranking: body.ranking, ratings: body.ratings ?? {}, flags: body.flags ?? {}, note: body.note ?? '', durationMs: body.durationMs ?? null };
}

/**
 * Stores a trainer's ranking of a comparison they were handed. The same body twice stores one
 * ranking; a different body replaces the current ranking, and every version stays in
 * ranking_revisions. Checked against the comparison's candidates and the project's settings.
 */
export function submitRanking(db: Db, comparisonId: number, user: AuthUser, body: SubmitRanking, now = Date.now()): StoredRanking {
  return db.sqlite.transaction((): StoredRanking => {
    const comparison = db.orm.select().from(comparisons).where(eq(comparisons.id, comparisonId)).get();
    if (!comparison) throw notFound(`Comparison ${comparisonId}`);
    const project = db.orm.select().from(projects).where(eq(projects.id, comparison.projectId)).get()!;
    if (project.archivedAt !== null) throw conflict('project.archived', `Project "${project.slug}" is archived and takes no more answers.`);
    const assignment = db.orm
      .select()
      .from(assignments)
      .where(and(eq(assignments.comparisonId, comparisonId), eq(assignments.userId, user.id)))
      .get();
    if (!assignment) {
      throw conflict('comparison.not_assigned', `Comparison ${comparisonId} was not given to you: fetch work with GET /projects/${project.slug}/next.`);
    }

    const candidateIds = candidatesOf(db, comparison.parentMessageId).map((c) => String(c.id));
    const problems = rankingProblems(body, candidateIds, project);
    if (problems.length) throw badRequest('ranking.invalid', `Invalid ranking: ${problems.join('; ')}`, { problems });

    const answer = answerOf(body);
    const existing = findRanking(db, comparisonId, user.id);
    if (existing) {
      const stored = { ranking: existing.ranking, ratings: existing.ratings, flags: existing.flags, note: existing.note, durationMs: existing.durationMs };
      if (canonical(stored) === canonical(answer)) return toStoredRanking(existing);
      const updated = db.orm
        .update(rankings)
        .set({ ...answer, revision: existing.revision + 1, updatedAt: now })
        .where(eq(rankings.id, existing.id))
        .returning()
        .get();
      db.orm.insert(rankingRevisions).values({ rankingId: updated.id, revision: updated.revision, ...answer, submittedAt: now }).run();
      audit(db, user.id, 'ranking.replace', `comparison:${comparisonId}`, { revision: updated.revision });
      return toStoredRanking(updated);
    }

    if (assignment.skippedAt !== null) throw conflict('comparison.skipped', 'You skipped this comparison; it has gone back to the queue.');
    // Gold items have no overlap to fill: a late answer is always welcome.
    if (assignment.expiresAt <= now && comparison.goldRanking === null) {
      const othersLive = db.sqlite
        .prepare<[number, number, number], { n: number }>(
          `SELECT count(*) AS n FROM assignments WHERE comparison_id = ? AND user_id != ? AND completed_at IS NULL AND skipped_at IS NULL AND expires_at > ?`,
        )
        .get(comparisonId, user.id, now)!.n;
      if (comparison.rankingCount + othersLive >= project.overlap) {
        throw new AppError(409, 'lease.expired', 'Your time on this comparison ran out and it went to another trainer. Your answer was not stored.');
      }
    }

    const row = db.orm
      .insert(rankings)
      .values({
        comparisonId,
        userId: user.id,
        ...answer,
        shownOrder: assignment.shownOrder,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    db.orm.insert(rankingRevisions).values({ rankingId: row.id, revision: 1, ...answer, submittedAt: now }).run();
    db.orm.update(assignments).set({ completedAt: now }).where(eq(assignments.id, assignment.id)).run();
    db.orm
      .update(comparisons)
      .set({
        rankingCount: sql`${comparisons.rankingCount} + 1`,
        done: sql`${comparisons.goldRanking} IS NOT NULL OR ${comparisons.rankingCount} + 1 >= ${project.overlap}`,
      })
      .where(eq(comparisons.id, comparisonId))
      .run();
    audit(db, user.id, 'ranking.create', `comparison:${comparisonId}`);
    return toStoredRanking(row);
  }).immediate();
}
