import { and, eq, sql } from 'drizzle-orm';
import { atomically, statementsFor, type Db } from '#server/db/client.ts';
import type { AuthUser } from '#server/http/auth.ts';
import { audit } from '#server/modules/audit/audit.ts';
import { candidateIdsOf } from '#server/modules/conversations/conversations.repository.ts';
import { projectArchived } from '#server/modules/projects/projects.errors.ts';
import { projectById } from '#server/modules/projects/projects.repository.ts';
import { rankingProblems } from '#shared/ranking-rules.ts';
import type { StoredRanking, SubmitRanking } from '#shared/rankings.ts';
import { comparisonNotAssigned, comparisonNotFound, comparisonSkipped, invalidRanking, leaseExpired } from './comparisons.errors.ts';
import { doneWhen, hasRoomFor } from './comparisons.rules.ts';
import { rankings, type RankingRow } from './comparisons.table.ts';
import { storeFigures } from './figures.ts';

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

/** The ranking path is the hottest write there is: its statements are prepared once, its lookups joined. */
const rankingStatements = statementsFor(({ orm, sqlite }) => ({
  /** What the checks need in one lookup: the comparison, and this trainer's lease and answer if any. */
  target: sqlite.prepare<{ comparisonId: number; userId: number }, Target>(`
    SELECT c.project_id AS projectId, c.parent_message_id AS parentMessageId, a.id AS assignmentId, a.shown_order AS shownOrder,
           a.expires_at AS expiresAt, a.skipped_at AS skippedAt, r.id AS rankingId
    FROM comparisons c
    LEFT JOIN assignments a ON a.comparison_id = c.id AND a.user_id = @userId
    LEFT JOIN rankings r ON r.comparison_id = c.id AND r.user_id = @userId
    WHERE c.id = @comparisonId`),
  ranking: orm
    .select()
    .from(rankings)
    .where(and(eq(rankings.comparisonId, sql.placeholder('comparisonId')), eq(rankings.userId, sql.placeholder('userId'))))
    .prepare(),
  // Positional, the answer's columns always in AnswerColumns' order: binding named parameters from
  // spread objects cost more than the inserts themselves.
  insert: sqlite.prepare<[comparisonId: number, userId: number, shownOrder: string, createdAt: number, updatedAt: number, ...AnswerColumns]>(`
    INSERT INTO rankings (comparison_id, user_id, shown_order, revision, created_at, updated_at, ranking, ratings, flags, note, duration_ms)
    VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`),
  replace: sqlite.prepare<[revision: number, updatedAt: number, ...AnswerColumns, id: number]>(`
    UPDATE rankings SET revision = ?, updated_at = ?, ranking = ?, ratings = ?, flags = ?, note = ?, duration_ms = ? WHERE id = ?`),
  revision: sqlite.prepare<[rankingId: number | bigint, revision: number, now: number, ...AnswerColumns]>(`
    INSERT INTO ranking_revisions (ranking_id, revision, submitted_at, ranking, ratings, flags, note, duration_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
  complete: sqlite.prepare<{ id: number; now: number }>('UPDATE assignments SET completed_at = @now WHERE id = @id'),
  count: sqlite.prepare<{ id: number; overlap: number }>(`
    UPDATE comparisons SET ranking_count = ranking_count + 1, done = ${doneWhen('gold_ranking', 'ranking_count + 1')} WHERE id = @id`),
}));

interface Target {
  projectId: number;
  parentMessageId: number;
  assignmentId: number | null;
  shownOrder: string | null;
  expiresAt: number | null;
  skippedAt: number | null;
  rankingId: number | null;
}

/** An answer's columns as stored (JSON as text), in the order the statements above take them. */
type AnswerColumns = [ranking: string, ratings: string, flags: string, note: string, durationMs: number | null];

export const findRanking = (db: Db, comparisonId: number, userId: number) => rankingStatements(db).ranking.get({ comparisonId, userId });

/** JSON with sorted object keys, so that equal answers compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

/** The parts of a submission that make up an answer. */
function answerOf(body: SubmitRanking) {
  return { ranking: body.ranking, ratings: body.ratings ?? {}, flags: body.flags ?? {}, note: body.note ?? '', durationMs: body.durationMs ?? null };
}

/**
 * Whether an answer says something other than the stored one. The time on task is left out: a
 * trainer who opens their ranking again and submits it unchanged has taken longer, not answered
 * differently, and a retried request has the same body anyway.
 */
const changesAnswer = (stored: ReturnType<typeof answerOf>, answer: ReturnType<typeof answerOf>) =>
  canonical({ ...stored, durationMs: null }) !== canonical({ ...answer, durationMs: null });

/**
 * Stores a trainer's ranking of a comparison they were handed. The same answer twice stores one
 * ranking (whatever the time on task says); a different one replaces the current ranking, and
 * every version stays in ranking_revisions. Checked against the comparison's candidates and the project's settings. The
 * comparison's agreement and consensus are computed again in the same transaction (figures.ts).
 */
export function submitRanking(db: Db, comparisonId: number, user: AuthUser, body: SubmitRanking, now = Date.now()): StoredRanking {
  const q = rankingStatements(db);
  return atomically(db, (): StoredRanking => {
    const target = q.target.get({ comparisonId, userId: user.id });
    // A trainer learns nothing of a comparison they were never given: not that it exists, nor its
    // project (an archived one included). One they were given, they know, and hear why it is refused.
    if (!target || (target.assignmentId === null && user.role === 'trainer')) throw comparisonNotFound(comparisonId);
    const project = projectById(db, target.projectId)!;
    if (project.archivedAt !== null) throw projectArchived(project.slug, ' and takes no more answers');
    if (target.assignmentId === null) {
      throw comparisonNotAssigned(comparisonId, project.slug);
    }

    const candidateIds = candidateIdsOf(db, target.parentMessageId);
    const problems = rankingProblems(body, candidateIds, project);
    if (problems.length) throw invalidRanking(problems);

    const answer = answerOf(body);
    const columns: AnswerColumns = [
      JSON.stringify(answer.ranking),
      JSON.stringify(answer.ratings),
      JSON.stringify(answer.flags),
      answer.note,
      answer.durationMs,
    ];
    const existing = target.rankingId === null ? undefined : q.ranking.get({ comparisonId, userId: user.id });
    if (existing) {
      const stored = { ranking: existing.ranking, ratings: existing.ratings, flags: existing.flags, note: existing.note, durationMs: existing.durationMs };
      if (!changesAnswer(stored, answer)) return toStoredRanking(existing);
      const revision = existing.revision + 1;
      q.replace.run(revision, now, ...columns, existing.id);
      q.revision.run(existing.id, revision, now, ...columns);
      storeFigures(db, comparisonId, candidateIds);
      audit(db, user.id, 'ranking.replace', `comparison:${comparisonId}`, { revision });
      return toStoredRanking({ ...existing, ...answer, revision, updatedAt: now });
    }

    if (target.skippedAt !== null) throw comparisonSkipped();
    // A late answer is welcome while its slot is still free (always, for a gold item).
    if (target.expiresAt! <= now && !hasRoomFor(db, { comparisonId, userId: user.id, now, overlap: project.overlap })) throw leaseExpired();

    const id = q.insert.run(comparisonId, user.id, target.shownOrder!, now, now, ...columns).lastInsertRowid;
    q.revision.run(id, 1, now, ...columns);
    q.complete.run({ id: target.assignmentId, now });
    q.count.run({ id: comparisonId, overlap: project.overlap });
    storeFigures(db, comparisonId, candidateIds);
    // No audit entry: the ranking and its first revision already record who answered and when.
    return toStoredRanking({
      id: Number(id),
      comparisonId,
      userId: user.id,
      ...answer,
      shownOrder: JSON.parse(target.shownOrder!) as string[],
      suggestionVisible: false,
      revision: 1,
      createdAt: now,
      updatedAt: now,
    });
  });
}
