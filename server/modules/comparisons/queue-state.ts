import { statementsFor, type Db } from '#server/db/client.ts';
import type { AuthUser } from '#server/http/auth.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import { AVAILABLE_TO_ME_LIMIT } from '#shared/queue-limits.ts';
import type { QueueState } from '#shared/queue-state.ts';
import { LIVE_LEASE, OPEN_FOR_TRAINER, ROOM_FOR_TRAINER } from './comparisons.rules.ts';

const queueStateStatements = statementsFor(({ sqlite: s }) => ({
  /**
   * The comparisons `next` would hand this trainer but for other trainers' live leases: open, not
   * written by them, neither answered nor skipped by them (a lease of theirs that ran out still
   * counts: `next` gives it back once a slot is free), and without room for them (the rankings and
   * the others' live leases fill the slots). The walk is the one `next` has just made over the
   * project's open comparisons to find nothing.
   */
  heldByOthers: s.prepare<{ projectId: number; userId: number; now: number; overlap: number; limit: number }, { n: number; earliest: number | null }>(`
    SELECT count(*) AS n, min(earliest) AS earliest FROM (
      SELECT (SELECT min(a.expires_at) FROM assignments a WHERE a.comparison_id = c.id AND a.user_id != @userId AND ${LIVE_LEASE}) AS earliest
      FROM comparisons c
      WHERE ${OPEN_FOR_TRAINER}
        AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.comparison_id = c.id AND a.user_id = @userId
                          AND (a.completed_at IS NOT NULL OR a.skipped_at IS NOT NULL))
        AND NOT (${ROOM_FOR_TRAINER})
      LIMIT @limit)`),
}));

/** What may still come to this trainer in a project, and when the first of it may come back. */
export function queueState(db: Db, project: ProjectRow, user: AuthUser, now = Date.now()): QueueState {
  const { n, earliest } = queueStateStatements(db).heldByOthers.get({
    projectId: project.id,
    userId: user.id,
    now,
    overlap: project.overlap,
    limit: AVAILABLE_TO_ME_LIMIT,
  })!;
  return { heldByOthers: n, earliestLeaseExpiresAt: earliest === null ? null : new Date(earliest).toISOString(), asOf: new Date(now).toISOString() };
}
