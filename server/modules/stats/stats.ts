import type { Db } from '#server/db/client.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';

/** Progress figures per project and per trainer. */
export function projectStats(db: Db, project: ProjectRow) {
  const totals = db.sqlite
    .prepare<[number], { comparisons: number; completed: number; rankings: number }>(
      'SELECT count(*) AS comparisons, coalesce(sum(done), 0) AS completed, coalesce(sum(ranking_count), 0) AS rankings FROM comparisons WHERE project_id = ?',
    )
    .get(project.id)!;
  const trainers = db.sqlite
    .prepare<[number], { username: string; rankings: number }>(`
      SELECT u.username, count(*) AS rankings FROM rankings r
      JOIN comparisons c ON c.id = r.comparison_id JOIN users u ON u.id = r.user_id
      WHERE c.project_id = ? GROUP BY u.id ORDER BY u.username`)
    .all(project.id);
  return { project: project.slug, comparisons: totals.comparisons, completedComparisons: totals.completed, rankings: totals.rankings, trainers };
}
