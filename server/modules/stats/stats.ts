import type { Db } from '#server/db/client.ts';
import type { AuthUser } from '#server/http/auth.ts';
import { projectTotals } from '#server/modules/projects/projects.usecases.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import { runInWorker } from '#server/workers/pool.ts';
import { Durations, fastThresholdOf, ProjectTally, TrainerTally, type RankedComparison } from '#shared/quality.ts';
import type { Leaderboard, MyStats, ProjectStats, Review } from '#shared/stats.ts';
import { textLength } from '#shared/text-length.ts';
import { leaderboardOff } from './stats.errors.ts';

// The loader of the quality figures: it streams a project's rows from SQLite, one comparison at a
// time, into the running totals and pure figure functions of shared/quality.ts.

/** What the figures read: the server's connection, or a worker's read-only one (server/workers). */
type ReadDb = Pick<Db, 'sqlite'>;
type ProjectRef = Pick<ProjectRow, 'id' | 'slug'>;

/** An answer as the queries below return it (raw: arrays are cheaper than objects, a million times over). */
type AnswerRow = [comparisonId: number, gold: string | null, userId: number, ranking: string, shownOrder: string, durationMs: number | null, createdAt: number];
type CandidateRow = { comparisonId: number; id: number; content: string };

const answerColumns = 'c.id, c.gold_ranking, r.user_id, r.ranking, r.shown_order, r.duration_ms, r.created_at';
const candidateColumns = 'c.id AS comparisonId, m.id, m.content';
const candidatesOf = "JOIN messages m ON m.parent_id = c.parent_message_id AND m.role = 'assistant'";

/**
 * Answers, which come ordered by comparison, grouped into one comparison at a time with its
 * candidates' lengths, which come in the same order: what is held is one comparison, never the
 * project. The lengths are measured here rather than by SQLite's length(), which stops at a NUL:
 * the same count as the export's features.
 */
function* rankedComparisons(answers: Iterable<AnswerRow>, candidates: Iterator<CandidateRow>): Generator<RankedComparison> {
  try {
    let candidate = candidates.next();
    let comparisonId: number | null = null;
    let current: RankedComparison | null = null;
    for (const [id, gold, userId, ranking, shownOrder, durationMs, createdAt] of answers) {
      if (id !== comparisonId) {
        if (current) yield current;
        comparisonId = id;
        const lengths = new Map<string, number>();
        while (!candidate.done && candidate.value.comparisonId < id) candidate = candidates.next();
        for (; !candidate.done && candidate.value.comparisonId === id; candidate = candidates.next())
          lengths.set(String(candidate.value.id), textLength(candidate.value.content));
        current = { gold: gold === null ? null : JSON.parse(gold), lengths, answers: [] };
      }
      current!.answers.push({ userId, ranking: JSON.parse(ranking), shownOrder: JSON.parse(shownOrder), durationMs, createdAt });
    }
    if (current) yield current;
  } finally {
    candidates.return?.();
  }
}

/**
 * The project's median time on task, exact: every recorded time, 8 bytes each, read in one narrow
 * pass (SQLite sorting them itself spills a million to a temporary file and takes seconds). Read
 * before the answers are streamed, so that its memory is free again by the time theirs is taken,
 * and by `trainerStats` alike, which so gets the same number without reading the whole project.
 */
function projectMedianMs(db: ReadDb, projectId: number): number | null {
  // Sized for every ranking at once: no copies on the way.
  const durations = new Durations(projectTotals(db, projectId).rankings);
  const times = db.sqlite
    .prepare<[number], number>(
      'SELECT r.duration_ms FROM comparisons c JOIN rankings r ON r.comparison_id = c.id WHERE c.project_id = ? AND r.duration_ms IS NOT NULL',
    )
    .pluck();
  for (const ms of times.iterate(projectId)) durations.add(ms);
  return durations.median();
}

/**
 * Every quality figure of a project, computed from the stored rankings: agreement between
 * trainers and with the leave-one-out consensus, gold accuracy, length and position bias, time
 * on task and suspicious patterns, overall and per trainer (shared/quality.ts `ProjectTally`). The
 * rankings are streamed one comparison at a time, in one read transaction (one consistent
 * snapshot): memory grows with the trainers, not with the rankings (besides 8 bytes of time on
 * task per ranking, for exact medians).
 */
export function projectStats(db: ReadDb, project: ProjectRef): ProjectStats {
  return db.sqlite.transaction(() => {
    const totals = projectTotals(db, project.id);
    const medianMs = projectMedianMs(db, project.id);
    const answers = db.sqlite
      .prepare<[number], AnswerRow>(
        `SELECT ${answerColumns} FROM comparisons c JOIN rankings r ON r.comparison_id = c.id WHERE c.project_id = ? ORDER BY c.id, r.id`,
      )
      .raw()
      .iterate(project.id);
    const candidates = db.sqlite
      .prepare<[number], CandidateRow>(
        `SELECT ${candidateColumns} FROM comparisons c ${candidatesOf} WHERE c.project_id = ? AND c.ranking_count > 0 ORDER BY c.id, m.id`,
      )
      .iterate(project.id);
    const tally = new ProjectTally();
    for (const comparison of rankedComparisons(answers, candidates)) tally.add(comparison);
    const username = db.sqlite.prepare<[number], string>('SELECT username FROM users WHERE id = ?').pluck();
    return tally.figures(project.slug, totals, medianMs, (userId) => username.get(userId)!);
  })();
}

/**
 * A trainer's own figures in a project, beside its median time: from their answers and the other
 * answers to the comparisons they ranked (for their agreement), never the rest of the project.
 * Equal to their entry in `projectStats`. Run in a worker thread by `myStats`.
 */
export function trainerStats(db: ReadDb, { projectId, user }: { projectId: number; user: Pick<AuthUser, 'id' | 'username'> }): MyStats {
  return db.sqlite.transaction(() => {
    // From the trainer's own rankings (CROSS JOIN: SQLite would rather walk every comparison of the project).
    const theirs = 'FROM rankings mine CROSS JOIN comparisons c ON c.id = mine.comparison_id';
    const answers = db.sqlite
      .prepare<[number, number], AnswerRow>(
        `SELECT ${answerColumns} ${theirs} JOIN rankings r ON r.comparison_id = c.id WHERE mine.user_id = ? AND c.project_id = ? ORDER BY c.id, r.id`,
      )
      .raw()
      .iterate(user.id, projectId);
    const candidates = db.sqlite
      .prepare<[number, number], CandidateRow>(
        `SELECT ${candidateColumns} ${theirs} ${candidatesOf} WHERE mine.user_id = ? AND c.project_id = ? AND c.ranking_count > 0 ORDER BY c.id, m.id`,
      )
      .iterate(user.id, projectId);
    const tally = new TrainerTally();
    for (const comparison of rankedComparisons(answers, candidates)) {
      for (const answer of comparison.answers) if (answer.userId === user.id) tally.add(answer, comparison);
    }
    const medianMs = projectMedianMs(db, projectId);
    return { me: tally.rankings ? tally.figures(user.username, fastThresholdOf(medianMs)) : null, projectMedianMs: medianMs };
  })();
}

/** `projectStats` in a worker thread, with the data version (project_counts) it was computed at. */
export function projectStatsTask(db: ReadDb, project: ProjectRef) {
  return db.sqlite.transaction(() => ({ dataVersion: dataVersion(db, project.id), stats: projectStats(db, project) }))();
}

/** Grows with every change to a project's comparisons and rankings (migrations/0006). */
const dataVersion = (db: ReadDb, projectId: number) =>
  db.sqlite.prepare<[number], number>('SELECT data_version FROM project_counts WHERE project_id = ?').pluck().get(projectId)!;

interface CachedStats {
  dataVersion: number;
  stats: Promise<ProjectStats>;
}
/** Each project's figures, kept until its data version moves; per database, as tests open many. */
const cache = new WeakMap<Db, Map<number, CachedStats>>();

/**
 * The project's figures as its data stands now: computed in a worker thread, kept until the
 * project's comparisons or rankings change. Requests while one computation runs for the same
 * version share it; figures of an older version are never served.
 */
export function currentProjectStats(db: Db, project: ProjectRow): Promise<ProjectStats> {
  let byProject = cache.get(db);
  if (!byProject) cache.set(db, (byProject = new Map()));
  const version = dataVersion(db, project.id);
  const cached = byProject.get(project.id);
  if (cached && cached.dataVersion === version) return cached.stats;

  const computed = runInWorker('projectStats', db.file, { id: project.id, slug: project.slug });
  const entry: CachedStats = {
    dataVersion: version,
    stats: computed.then((result) => {
      // Rankings may have arrived before the worker's snapshot: the figures are of its version.
      entry.dataVersion = result.dataVersion;
      return result.stats;
    }),
  };
  byProject.set(project.id, entry);
  entry.stats.catch(() => {
    if (byProject.get(project.id) === entry) byProject.delete(project.id);
  });
  return entry.stats;
}

/** A trainer's own figures, beside the project's median time, computed in a worker thread. */
export function myStats(db: Db, project: ProjectRow, user: AuthUser): Promise<MyStats> {
  return runInWorker('trainerStats', db.file, { projectId: project.id, user: { id: user.id, username: user.username } });
}

/** Everyone's rankings, agreement and gold accuracy, most rankings first; trainers see it only where the project opted in. */
export async function leaderboard(db: Db, project: ProjectRow, viewer: AuthUser): Promise<Leaderboard> {
  if (!project.leaderboard && viewer.role === 'trainer') throw leaderboardOff();
  const trainers = (await currentProjectStats(db, project)).trainers.map(({ username, rankings, agreement, goldAccuracy }) => ({
    username,
    rankings,
    agreement,
    goldAccuracy,
  }));
  return { trainers: trainers.sort((a, b) => b.rankings - a.rankings || a.username.localeCompare(b.username)) };
}

const REVIEW_LIMIT = 200;

/**
 * What trainers reported: flagged candidates, skip reasons and notes, newest first. Each list is
 * read newest first from a partial index of the reported rows alone (migrations/0007), stopping at
 * the limit, instead of sorting every ranking of the project: CROSS JOIN keeps SQLite from starting
 * at the project's comparisons, which it otherwise prefers, and the conditions are written as the
 * indexes' are, or SQLite would not use them.
 */
export function projectReview(db: Db, project: ProjectRow): Review {
  const rankings = db.sqlite
    .prepare<[number, number], { comparisonId: number; username: string; flags: string; note: string; shownOrder: string; at: number }>(
      `
      SELECT r.comparison_id AS comparisonId, u.username, r.flags, r.note, r.shown_order AS shownOrder, r.updated_at AS at
      FROM rankings r CROSS JOIN comparisons c ON c.id = r.comparison_id JOIN users u ON u.id = r.user_id
      WHERE c.project_id = ? AND (r.flags != '{}' OR r.note != '') ORDER BY r.updated_at DESC LIMIT ?`,
    )
    .all(project.id, REVIEW_LIMIT);
  const skips = db.sqlite
    .prepare<[number, number], { comparisonId: number; username: string; reason: string; shownOrder: string; at: number }>(
      `
      SELECT a.comparison_id AS comparisonId, u.username, a.skip_reason AS reason, a.shown_order AS shownOrder, a.skipped_at AS at
      FROM assignments a CROSS JOIN comparisons c ON c.id = a.comparison_id JOIN users u ON u.id = a.user_id
      WHERE c.project_id = ? AND a.skipped_at IS NOT NULL ORDER BY a.skipped_at DESC LIMIT ?`,
    )
    .all(project.id, REVIEW_LIMIT);
  const iso = (ms: number) => new Date(ms).toISOString();
  // Each with the order its trainer was shown the answers in: their letters, which their words use (shared/answer-labels.ts).
  const shown = (order: string) => JSON.parse(order) as string[];
  return {
    flagged: rankings.flatMap((r) =>
      Object.entries(JSON.parse(r.flags) as Record<string, string[]>)
        .filter(([, flags]) => flags.length)
        .map(([candidateId, flags]) => ({
          comparisonId: String(r.comparisonId),
          candidateId,
          flags,
          annotator: r.username,
          shownOrder: shown(r.shownOrder),
          at: iso(r.at),
        })),
    ),
    skips: skips.map((s) => ({
      comparisonId: String(s.comparisonId),
      annotator: s.username,
      reason: s.reason,
      shownOrder: shown(s.shownOrder),
      at: iso(s.at),
    })),
    notes: rankings
      .filter((r) => r.note)
      .map((r) => ({ comparisonId: String(r.comparisonId), annotator: r.username, note: r.note, shownOrder: shown(r.shownOrder), at: iso(r.at) })),
  };
}
