import type { Db } from '#server/db/client.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import { rankedPairs } from '#shared/consensus.ts';
import {
  isShownOrder,
  kendallTauB,
  lengthBuckets,
  lengthOutcomes,
  mean,
  median,
  pairsAgreement,
  pairwiseAgreement,
  positionOutcomes,
  positions,
  prefersLonger,
  share,
} from '#shared/quality.ts';
import type { RankingGroups } from '#shared/rankings.ts';
import type { Leaderboard, ProjectStats, Review, TrainerStats } from '#shared/stats.ts';
import { textLength } from '#shared/text-length.ts';
import type { AuthUser } from '#server/http/auth.ts';
import { AppError } from '#server/http/errors.ts';

interface Row {
  comparisonId: number;
  username: string;
  ranking: RankingGroups;
  shownOrder: string[];
  durationMs: number | null;
  createdAt: number;
  gold: RankingGroups | null;
}

/** A fast answer took less than this share of the project's median time. */
const FAST_SHARE = 0.25;

/** Share of the gold's untied pairs the ranking orders the same way; a tie where gold has an order is wrong. */
function goldScore(ranking: RankingGroups, gold: RankingGroups) {
  const mine = positions(ranking);
  const expected = positions(gold);
  let correct = 0;
  let pairs = 0;
  const ids = [...expected.keys()];
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const e = expected.get(ids[i]!)! - expected.get(ids[j]!)!;
      if (e === 0) continue;
      pairs++;
      const m = mine.get(ids[i]!)! - mine.get(ids[j]!)!;
      if (Math.sign(m) === Math.sign(e)) correct++;
    }
  }
  return { correct, pairs };
}

class Counter {
  hits = 0;
  total = 0;
  add(hit: boolean) {
    this.total++;
    if (hit) this.hits++;
  }
  get rate() {
    return share(this.hits, this.total);
  }
}

/** Untied pairwise wins and contests of the candidate shown at each position, over many rankings. */
class PositionTally {
  wins: number[] = [];
  contests: number[] = [];
  add(ranking: RankingGroups, shownOrder: string[]) {
    positionOutcomes(ranking, shownOrder).forEach((o, position) => {
      this.wins[position] = (this.wins[position] ?? 0) + o.wins;
      this.contests[position] = (this.contests[position] ?? 0) + o.contests;
    });
  }
  get bias() {
    return { byShownPosition: this.contests.map((n, i) => share(this.wins[i]!, n)), contests: [...this.contests] };
  }
}

/**
 * Every quality figure of a project, computed from the stored rankings: agreement between
 * trainers and with the leave-one-out consensus, gold accuracy, length and position bias, time
 * on task and suspicious patterns, overall and per trainer.
 */
export function projectStats(db: Db, project: ProjectRow): ProjectStats {
  const totals = db.sqlite
    .prepare<[number], { comparisons: number; completed: number; rankings: number; gold: number }>(
      `SELECT count(*) AS comparisons, coalesce(sum(done AND gold_ranking IS NULL), 0) AS completed, coalesce(sum(ranking_count), 0) AS rankings,
              coalesce(sum(gold_ranking IS NOT NULL), 0) AS gold
       FROM comparisons WHERE project_id = ?`,
    )
    .get(project.id)!;
  const rows: Row[] = db.sqlite
    .prepare<[number], { comparisonId: number; username: string; ranking: string; shownOrder: string; durationMs: number | null; createdAt: number; gold: string | null }>(`
      SELECT r.comparison_id AS comparisonId, u.username, r.ranking, r.shown_order AS shownOrder, r.duration_ms AS durationMs,
             r.created_at AS createdAt, c.gold_ranking AS gold
      FROM rankings r JOIN comparisons c ON c.id = r.comparison_id JOIN users u ON u.id = r.user_id
      WHERE c.project_id = ? ORDER BY r.comparison_id, r.id`)
    .all(project.id)
    .map((r) => ({ ...r, ranking: JSON.parse(r.ranking), shownOrder: JSON.parse(r.shownOrder), gold: r.gold ? JSON.parse(r.gold) : null }));
  // Lengths are measured here rather than by SQLite's length(), which stops at a NUL: the same
  // count as the export's features. Iterated, so only one answer's text is held at a time.
  const lengths = new Map<number, Map<string, number>>();
  for (const c of db.sqlite
    .prepare<[number], { comparisonId: number; id: number; content: string }>(`
      SELECT c.id AS comparisonId, m.id, m.content
      FROM comparisons c JOIN messages m ON m.parent_id = c.parent_message_id AND m.role = 'assistant'
      WHERE c.project_id = ? AND c.ranking_count > 0`)
    .iterate(project.id)) {
    if (!lengths.has(c.comparisonId)) lengths.set(c.comparisonId, new Map());
    lengths.get(c.comparisonId)!.set(String(c.id), textLength(c.content));
  }

  const byComparison = new Map<number, Row[]>();
  for (const r of rows) {
    if (!byComparison.has(r.comparisonId)) byComparison.set(r.comparisonId, []);
    byComparison.get(r.comparisonId)!.push(r);
  }
  const trainerNames = [...new Set(rows.map((r) => r.username))].sort();
  const per = new Map(
    trainerNames.map((name) => [
      name,
      {
        rows: [] as Row[],
        agree: 0,
        pairs: 0,
        taus: [] as Array<number | null>,
        overlap: 0,
        goldCorrect: 0,
        goldPairs: 0,
        goldAnswered: 0,
        longer: new Counter(),
        positions: new PositionTally(),
      },
    ]),
  );

  // Agreement between every two trainers of the same comparison, and each against the others' consensus.
  let agree = 0;
  let pairs = 0;
  let rankingPairs = 0;
  let overlapping = 0;
  const taus: Array<number | null> = [];
  for (const [comparisonId, list] of byComparison) {
    for (const r of list) per.get(r.username)!.rows.push(r);
    if (list.length < 2) continue;
    overlapping++;
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = pairwiseAgreement(list[i]!.ranking, list[j]!.ranking);
        agree += a.agree;
        pairs += a.pairs;
        rankingPairs++;
        taus.push(kendallTauB(list[i]!.ranking, list[j]!.ranking));
      }
    }
    const candidates = [...(lengths.get(comparisonId)?.keys() ?? [])];
    for (const r of list) {
      // Scored on the preferences a majority of the others supports, not on an order of the
      // candidates no majority separates; τ-b against their consensus ranking, ties where it must.
      const consensus = rankedPairs(candidates, list.filter((o) => o !== r).map((o) => o.ranking));
      const stats = per.get(r.username)!;
      const a = pairsAgreement(r.ranking, consensus.pairs);
      stats.agree += a.agree;
      stats.pairs += a.pairs;
      stats.taus.push(kendallTauB(r.ranking, consensus.ranking));
      stats.overlap++;
    }
  }

  const longer = new Counter();
  const buckets = lengthBuckets.map(() => new Counter());
  const positionTally = new PositionTally();
  const durations = rows.map((r) => r.durationMs).filter((d): d is number => d !== null);
  const projectMedian = median(durations);
  const fastThreshold = projectMedian === null ? null : projectMedian * FAST_SHARE;
  let goldAnswers = 0;
  let goldCorrect = 0;
  let goldPairs = 0;
  for (const r of rows) {
    const stats = per.get(r.username)!;
    for (const outcome of lengthOutcomes(r.ranking, lengths.get(r.comparisonId) ?? new Map())) {
      longer.add(outcome.longerWon);
      buckets[outcome.bucket]!.add(outcome.longerWon);
      stats.longer.add(outcome.longerWon);
    }
    positionTally.add(r.ranking, r.shownOrder);
    stats.positions.add(r.ranking, r.shownOrder);
    if (r.gold) {
      const g = goldScore(r.ranking, r.gold);
      goldAnswers++;
      goldCorrect += g.correct;
      goldPairs += g.pairs;
      stats.goldAnswered++;
      stats.goldCorrect += g.correct;
      stats.goldPairs += g.pairs;
    }
  }

  const trainers: TrainerStats[] = trainerNames.map((username) => {
    const s = per.get(username)!;
    const mine = s.rows.map((r) => r.durationMs).filter((d): d is number => d !== null);
    const hours = mine.reduce((sum, d) => sum + d, 0) / 3_600_000;
    return {
      username,
      rankings: s.rows.length,
      agreement: share(s.agree, s.pairs),
      kendallTau: mean(s.taus),
      agreementComparisons: s.overlap,
      goldAccuracy: share(s.goldCorrect, s.goldPairs),
      goldAnswered: s.goldAnswered,
      longerPreferred: s.longer.rate,
      lengthPairs: s.longer.total,
      prefersLonger: prefersLonger(s.longer.rate, s.longer.total),
      positionBias: s.positions.bias,
      medianMs: median(mine),
      perHour: hours > 0 ? mine.length / hours : null,
      shownOrderSubmissions: s.rows.filter((r) => isShownOrder(r.ranking, r.shownOrder)).length,
      fastAnswers: fastThreshold === null ? 0 : mine.filter((d) => d < fastThreshold).length,
    };
  });

  const days = new Map<string, number>();
  for (const r of rows) {
    const day = new Date(r.createdAt).toISOString().slice(0, 10);
    days.set(day, (days.get(day) ?? 0) + 1);
  }

  return {
    project: project.slug,
    comparisons: totals.comparisons,
    completedComparisons: totals.completed,
    rankings: totals.rankings,
    agreement: { pairwise: share(agree, pairs), kendallTau: mean(taus), comparisons: overlapping, rankingPairs },
    lengthBias: {
      longerPreferred: longer.rate,
      pairs: longer.total,
      byLengthRatio: lengthBuckets.map((b, i) => ({ bucket: b.label, longerPreferred: buckets[i]!.rate, pairs: buckets[i]!.total })),
    },
    positionBias: positionTally.bias,
    time: { medianMs: projectMedian, fastThresholdMs: fastThreshold },
    suspicious: {
      shownOrderSubmissions: trainers.reduce((s, t) => s + t.shownOrderSubmissions, 0),
      fastAnswers: trainers.reduce((s, t) => s + t.fastAnswers, 0),
    },
    gold: { comparisons: totals.gold, answers: goldAnswers, accuracy: share(goldCorrect, goldPairs) },
    timeline: [...days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, n]) => ({ date, rankings: n })),
    trainers,
  };
}

const REVIEW_LIMIT = 200;

/** What trainers reported: flagged candidates, skip reasons and notes, newest first. */
export function projectReview(db: Db, project: ProjectRow): Review {
  const rankings = db.sqlite
    .prepare<[number, number], { comparisonId: number; username: string; flags: string; note: string; at: number }>(`
      SELECT r.comparison_id AS comparisonId, u.username, r.flags, r.note, r.updated_at AS at
      FROM rankings r JOIN comparisons c ON c.id = r.comparison_id JOIN users u ON u.id = r.user_id
      WHERE c.project_id = ? AND (r.flags != '{}' OR r.note != '') ORDER BY r.updated_at DESC LIMIT ?`)
    .all(project.id, REVIEW_LIMIT);
  const skips = db.sqlite
    .prepare<[number, number], { comparisonId: number; username: string; reason: string; at: number }>(`
      SELECT a.comparison_id AS comparisonId, u.username, a.skip_reason AS reason, a.skipped_at AS at
      FROM assignments a JOIN comparisons c ON c.id = a.comparison_id JOIN users u ON u.id = a.user_id
      WHERE c.project_id = ? AND a.skipped_at IS NOT NULL ORDER BY a.skipped_at DESC LIMIT ?`)
    .all(project.id, REVIEW_LIMIT);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    flagged: rankings.flatMap((r) =>
      Object.entries(JSON.parse(r.flags) as Record<string, string[]>)
        .filter(([, flags]) => flags.length)
        .map(([candidateId, flags]) => ({ comparisonId: String(r.comparisonId), candidateId, flags, annotator: r.username, at: iso(r.at) })),
    ),
    skips: skips.map((s) => ({ comparisonId: String(s.comparisonId), annotator: s.username, reason: s.reason, at: iso(s.at) })),
    notes: rankings.filter((r) => r.note).map((r) => ({ comparisonId: String(r.comparisonId), annotator: r.username, note: r.note, at: iso(r.at) })),
  };
}

/** A trainer's own figures, beside the project's median time. */
export function myStats(db: Db, project: ProjectRow, user: AuthUser) {
  const stats = projectStats(db, project);
  return { me: stats.trainers.find((t) => t.username === user.username) ?? null, projectMedianMs: stats.time.medianMs };
}

/** Everyone's rankings, agreement and gold accuracy, most rankings first; trainers see it only where the project opted in. */
export function leaderboard(db: Db, project: ProjectRow, viewer: AuthUser): Leaderboard {
  if (!project.leaderboard && viewer.role === 'trainer') throw new AppError(404, 'leaderboard.off', 'This project has no leaderboard.');
  const trainers = projectStats(db, project).trainers.map(({ username, rankings, agreement, goldAccuracy }) => ({ username, rankings, agreement, goldAccuracy }));
  return { trainers: trainers.sort((a, b) => b.rankings - a.rankings || a.username.localeCompare(b.username)) };
}
