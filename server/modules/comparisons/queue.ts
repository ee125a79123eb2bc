import crypto from 'node:crypto';
import { atomically, statementsFor, type Db } from '#server/db/client.ts';
import type { AuthUser } from '#server/http/auth.ts';
import { audit } from '#server/modules/audit/audit.ts';
import { candidateTextsOf, pathTo } from '#server/modules/conversations/conversations.repository.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import { projectById } from '#server/modules/projects/projects.repository.ts';
import type { NextComparison } from '#shared/comparisons.ts';
import { AVAILABLE_TO_ME_LIMIT } from '#shared/queue-limits.ts';
import { comparisonAnswered, comparisonNotYours } from './comparisons.errors.ts';
import { hasRoomFor, LIVE_LEASE, OPEN_FOR_TRAINER, ROOM_FOR_TRAINER, wantedRankings } from './comparisons.rules.ts';
import { findRanking, toStoredRanking } from './rankings.usecases.ts';

export const queueStatements = statementsFor(({ sqlite: s }) => {
  // The conditions under which a trainer may be handed a comparison, shared by `next` and the counts.
  const available = `
    ${OPEN_FOR_TRAINER} AND c.full_until <= @now
    AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.comparison_id = c.id AND a.user_id = @userId)
    AND ${ROOM_FOR_TRAINER}`;
  type Q = { projectId: number; userId: number; now: number; overlap: number };
  return {
    openAssignments: s.prepare<{ projectId: number; userId: number }, { id: number; comparisonId: number; expiresAt: number; shownOrder: string }>(`
      SELECT a.id, a.comparison_id AS comparisonId, a.expires_at AS expiresAt, a.shown_order AS shownOrder
      FROM assignments a JOIN comparisons c ON c.id = a.comparison_id
      WHERE a.user_id = @userId AND a.completed_at IS NULL AND a.skipped_at IS NULL AND c.project_id = @projectId
      ORDER BY a.id`),
    pick: s.prepare<Q, { id: number; parentMessageId: number }>(
      `SELECT c.id, c.parent_message_id AS parentMessageId FROM comparisons c WHERE ${available} ORDER BY c.id LIMIT 1`,
    ),
    // Counted up to a limit: a project page must not walk a million open comparisons.
    countAvailable: s.prepare<Q & { limit: number }, { n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM comparisons c WHERE ${available} LIMIT @limit)`),
    /** Gold items ignore overlap: every trainer may get each one once. */
    pickGold: s.prepare<{ projectId: number; userId: number }, { id: number; parentMessageId: number }>(`
      SELECT c.id, c.parent_message_id AS parentMessageId FROM comparisons c
      WHERE c.project_id = @projectId AND c.gold_ranking IS NOT NULL
        AND (c.author_id IS NULL OR c.author_id != @userId)
        AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.comparison_id = c.id AND a.user_id = @userId)
      ORDER BY random() LIMIT 1`),
    comparison: s.prepare<[number], { id: number; projectId: number; parentMessageId: number }>(
      'SELECT id, project_id AS projectId, parent_message_id AS parentMessageId FROM comparisons WHERE id = ?',
    ),
    insertAssignment: s.prepare<{ comparisonId: number; userId: number; shownOrder: string; now: number; expiresAt: number }>(`
      INSERT INTO assignments (comparison_id, user_id, shown_order, leased_at, expires_at)
      VALUES (@comparisonId, @userId, @shownOrder, @now, @expiresAt)`),
    /** After a new lease: if it took the last free slot, the comparison is full until a live lease expires. */
    markFull: s.prepare<{ id: number; now: number; overlap: number }>(`
      UPDATE comparisons SET full_until =
        CASE WHEN ranking_count + (SELECT count(*) FROM assignments a WHERE a.comparison_id = @id AND ${LIVE_LEASE}) >= ${wantedRankings()}
             THEN (SELECT min(a.expires_at) FROM assignments a WHERE a.comparison_id = @id AND ${LIVE_LEASE}) ELSE 0 END
      WHERE id = @id`),
    /** A slot came free before the leases' expiry (a skip): `next` counts again. */
    clearFull: s.prepare<[number]>('UPDATE comparisons SET full_until = 0 WHERE id = ?'),
    renewLease: s.prepare<{ id: number; expiresAt: number }>('UPDATE assignments SET expires_at = @expiresAt WHERE id = @id'),
    assignmentOf: s.prepare<{ comparisonId: number; userId: number }, { id: number; shownOrder: string; skippedAt: number | null }>(
      'SELECT id, shown_order AS shownOrder, skipped_at AS skippedAt FROM assignments WHERE comparison_id = @comparisonId AND user_id = @userId',
    ),
    skip: s.prepare<{ id: number; now: number; reason: string }>('UPDATE assignments SET skipped_at = @now, skip_reason = @reason WHERE id = @id'),
  };
});

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The comparison as this trainer sees it: candidates in their shown order, no provenance. */
export function trainerView(
  db: Db,
  project: ProjectRow,
  comparisonId: number,
  parentMessageId: number,
  shownOrder: string[],
  candidates = candidateTextsOf(db, parentMessageId),
) {
  const byId = new Map(candidates.map((c) => [String(c.id), c.content]));
  return {
    id: String(comparisonId),
    project: project.slug,
    context: pathTo(db, parentMessageId),
    candidates: shownOrder.map((id) => ({ id, content: byId.get(id)! })),
  };
}

/**
 * Hands the trainer a comparison: the one they already hold (a reload gives back the same order),
 * else the oldest they have never been given whose overlap is not met counting live leases (or, at
 * the project's gold rate, a gold item they have not had).
 * Runs atomically under the write lock (its own IMMEDIATE transaction, or the group commit's), so
 * concurrent calls, even from other processes, never over-assign. Returns null when nothing is left for this trainer.
 */
export function nextComparison(db: Db, projectAsAsked: ProjectRow, user: AuthUser, now = Date.now()): NextComparison | null {
  const s = queueStatements(db);
  return atomically(db, (): NextComparison | null => {
    // Read again under the write lock: a group commit runs this a moment after the request was read,
    // and a changed overlap or lease length must count from the start.
    const project = projectById(db, projectAsAsked.id)!;
    const expiresAt = now + project.leaseMinutes * 60_000;
    for (const held of s.openAssignments.all({ projectId: project.id, userId: user.id })) {
      const live = held.expiresAt > now;
      if (!live && !hasRoomFor(db, { comparisonId: held.comparisonId, userId: user.id, now, overlap: project.overlap })) continue;
      s.renewLease.run({ id: held.id, expiresAt });
      const comparison = s.comparison.get(held.comparisonId)!;
      return {
        comparison: trainerView(db, project, comparison.id, comparison.parentMessageId, JSON.parse(held.shownOrder)),
        leaseExpiresAt: new Date(expiresAt).toISOString(),
      };
    }
    const regular = s.pick.get({ projectId: project.id, userId: user.id, now, overlap: project.overlap });
    if (!regular) return null;
    // Gold items come unannounced at the project's rate, and only while regular work remains.
    const picked = (project.goldRate > 0 && Math.random() < project.goldRate && s.pickGold.get({ projectId: project.id, userId: user.id })) || regular;
    const candidates = candidateTextsOf(db, picked.parentMessageId);
    const shownOrder = shuffled(candidates.map((c) => String(c.id)));
    s.insertAssignment.run({ comparisonId: picked.id, userId: user.id, shownOrder: JSON.stringify(shownOrder), now, expiresAt });
    if (picked === regular) s.markFull.run({ id: picked.id, now, overlap: project.overlap });
    return {
      comparison: trainerView(db, project, picked.id, picked.parentMessageId, shownOrder, candidates),
      leaseExpiresAt: new Date(expiresAt).toISOString(),
    };
  });
}

/** How many comparisons `next` could still hand this trainer. */
export function countAvailable(db: Db, project: ProjectRow, userId: number, now = Date.now()): number {
  return queueStatements(db).countAvailable.get({ projectId: project.id, userId, now, overlap: project.overlap, limit: AVAILABLE_TO_ME_LIMIT })!.n;
}

/** Gives a held comparison back with a reason; the trainer is not offered it again. */
export function skipComparison(db: Db, comparisonId: number, user: AuthUser, reason: string) {
  const s = queueStatements(db);
  db.sqlite
    .transaction(() => {
      const assignment = s.assignmentOf.get({ comparisonId, userId: user.id });
      if (!assignment) throw comparisonNotYours(comparisonId);
      if (findRanking(db, comparisonId, user.id)) throw comparisonAnswered();
      if (assignment.skippedAt === null) {
        s.skip.run({ id: assignment.id, now: Date.now(), reason });
        s.clearFull.run(comparisonId);
      }
      audit(db, user.id, 'comparison.skip', `comparison:${comparisonId}`, { reason });
    })
    .immediate();
}

/** A comparison as its trainer sees it when coming back to it (e.g. to change a submitted ranking). */
export function heldComparison(db: Db, comparisonId: number, userId: number) {
  const s = queueStatements(db);
  const comparison = s.comparison.get(comparisonId);
  const assignment = comparison && s.assignmentOf.get({ comparisonId, userId });
  if (!comparison || !assignment) throw comparisonNotYours(comparisonId);
  const project = projectById(db, comparison.projectId)!;
  const ranking = findRanking(db, comparisonId, userId);
  return {
    comparison: trainerView(db, project, comparison.id, comparison.parentMessageId, JSON.parse(assignment.shownOrder)),
    ranking: ranking ? toStoredRanking(ranking) : null,
  };
}
