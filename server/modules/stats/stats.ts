import type { Db } from '#server/db/client.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import { runInWorker } from '#server/workers/pool.ts';
import { rankedPairs } from '#shared/consensus.ts';
import {
  isShownOrder,
  kendallTauB,
  lengthBuckets,
  lengthOutcomes,
  medianOfSorted,
  pairsAgreement,
  pairwiseAgreement,
  positionOutcomes,
  positions,
  prefersLonger,
  RunningMean,
  share,
} from '#shared/quality.ts';
import type { RankingGroups } from '#shared/rankings.ts';
import type { Leaderboard, MyStats, ProjectStats, Review, TrainerStats } from '#shared/stats.ts';
import { textLength } from '#shared/text-length.ts';
import type { AuthUser } from '#server/http/auth.ts';
import { AppError } from '#server/http/errors.ts';

/** What the figures read: the server's connection, or a worker's read-only one (server/workers). */
type ReadDb = Pick<Db, 'sqlite'>;
type ProjectRef = Pick<ProjectRow, 'id' | 'slug'>;

/** One trainer's answer to a comparison. */
interface Answer {
  userId: number;
  ranking: RankingGroups;
  shownOrder: string[];
  durationMs: number | null;
  createdAt: number;
}

/** A ranked comparison: its answers in the order they were given, and its candidates' lengths. */
interface RankedComparison {
  gold: RankingGroups | null;
  /** Candidate id → length (shared/text-length.ts), in candidate id order. */
  lengths: Map<string, number>;
  answers: Answer[];
}

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
        for (; !candidate.done && candidate.value.comparisonId === id; candidate = candidates.next()) lengths.set(String(candidate.value.id), textLength(candidate.value.content));
        current = { gold: gold === null ? null : JSON.parse(gold), lengths, answers: [] };
      }
      current!.answers.push({ userId, ranking: JSON.parse(ranking), shownOrder: JSON.parse(shownOrder), durationMs, createdAt });
    }
    if (current) yield current;
  } finally {
    candidates.return?.();
  }
}

/** A fast answer took less than this share of the project's median time. */
const FAST_SHARE = 0.25;

const fastThresholdOf = (projectMedianMs: number | null) => (projectMedianMs === null ? null : projectMedianMs * FAST_SHARE);

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
  addAll(other: Counter) {
    this.hits += other.hits;
    this.total += other.total;
  }
  get rate() {
    return share(this.hits, this.total);
  }
}

/** Untied pairwise wins and contests of the candidate shown at each position, over many rankings. */
class PositionTally {
  wins: number[] = [];
  contests: number[] = [];
  add(outcomes: Array<{ wins: number; contests: number }>) {
    outcomes.forEach((o, position) => {
      this.wins[position] = (this.wins[position] ?? 0) + o.wins;
      this.contests[position] = (this.contests[position] ?? 0) + o.contests;
    });
  }
  addAll(other: PositionTally) {
    this.add(other.wins.map((wins, position) => ({ wins, contests: other.contests[position]! })));
  }
  get bias() {
    return { byShownPosition: this.contests.map((n, i) => share(this.wins[i]!, n)), contests: [...this.contests] };
  }
}

/** Recorded times on task, 8 bytes each: an exact median needs them all. */
class Durations {
  private values: Float64Array;
  constructor(expected = 64) {
    this.values = new Float64Array(Math.max(expected, 1));
  }
  count = 0;
  /** Summed in the order they came. */
  totalMs = 0;
  add(ms: number) {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = ms;
    this.totalMs += ms;
  }
  get all() {
    return this.values.subarray(0, this.count);
  }
  /** Sorts them in place: call once every time is in. */
  median() {
    return medianOfSorted(this.all.sort());
  }
}

/**
 * One trainer's running totals, one answer at a time: the project's figures are computed from
 * these, and so are the trainer's own (`myStats`), so the two cannot differ.
 */
class TrainerTally {
  rankings = 0;
  agree = 0;
  pairs = 0;
  taus = new RunningMean();
  overlap = 0;
  goldCorrect = 0;
  goldPairs = 0;
  goldAnswered = 0;
  longer = new Counter();
  buckets = lengthBuckets.map(() => new Counter());
  positions = new PositionTally();
  durations = new Durations();
  shownOrderSubmissions = 0;

  add(answer: Answer, comparison: RankedComparison) {
    this.rankings++;
    if (comparison.answers.length >= 2) {
      // Scored on the preferences a majority of the others supports, not on an order of the
      // candidates no majority separates; τ-b against their consensus ranking, ties where it must.
      const others = comparison.answers.filter((o) => o !== answer).map((o) => o.ranking);
      const consensus = rankedPairs([...comparison.lengths.keys()], others);
      const a = pairsAgreement(answer.ranking, consensus.pairs);
      this.agree += a.agree;
      this.pairs += a.pairs;
      this.taus.add(kendallTauB(answer.ranking, consensus.ranking));
      this.overlap++;
    }
    for (const outcome of lengthOutcomes(answer.ranking, comparison.lengths)) {
      this.longer.add(outcome.longerWon);
      this.buckets[outcome.bucket]!.add(outcome.longerWon);
    }
    this.positions.add(positionOutcomes(answer.ranking, answer.shownOrder));
    if (comparison.gold) {
      const g = goldScore(answer.ranking, comparison.gold);
      this.goldAnswered++;
      this.goldCorrect += g.correct;
      this.goldPairs += g.pairs;
    }
    if (answer.durationMs !== null) this.durations.add(answer.durationMs);
    if (isShownOrder(answer.ranking, answer.shownOrder)) this.shownOrderSubmissions++;
  }

  figures(username: string, fastThresholdMs: number | null): TrainerStats {
    const durations = this.durations.all;
    const hours = this.durations.totalMs / 3_600_000;
    let fastAnswers = 0;
    if (fastThresholdMs !== null) for (const d of durations) if (d < fastThresholdMs) fastAnswers++;
    const medianMs = this.durations.median();
    return {
      username,
      rankings: this.rankings,
      agreement: share(this.agree, this.pairs),
      kendallTau: this.taus.value,
      agreementComparisons: this.overlap,
      goldAccuracy: share(this.goldCorrect, this.goldPairs),
      goldAnswered: this.goldAnswered,
      longerPreferred: this.longer.rate,
      lengthPairs: this.longer.total,
      prefersLonger: prefersLonger(this.longer.rate, this.longer.total),
      positionBias: this.positions.bias,
      medianMs,
      perHour: hours > 0 ? durations.length / hours : null,
      shownOrderSubmissions: this.shownOrderSubmissions,
      fastAnswers,
    };
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
  const durations = new Durations(db.sqlite.prepare<[number], number>('SELECT rankings FROM project_counts WHERE project_id = ?').pluck().get(projectId));
  const times = db.sqlite
    .prepare<[number], number>('SELECT r.duration_ms FROM comparisons c JOIN rankings r ON r.comparison_id = c.id WHERE c.project_id = ? AND r.duration_ms IS NOT NULL')
    .pluck();
  for (const ms of times.iterate(projectId)) durations.add(ms);
  return durations.median();
}

/**
 * Every quality figure of a project, computed from the stored rankings: agreement between
 * trainers and with the leave-one-out consensus, gold accuracy, length and position bias, time
 * on task and suspicious patterns, overall and per trainer. The rankings are streamed one
 * comparison at a time, in one read transaction (one consistent snapshot), keeping running totals
 * per trainer: memory grows with the trainers, not with the rankings (besides 8 bytes of time on
 * task per ranking, for exact medians).
 */
export function projectStats(db: ReadDb, project: ProjectRef): ProjectStats {
  return db.sqlite.transaction(() => {
    const totals = db.sqlite
      .prepare<[number], { comparisons: number; completed: number; rankings: number; gold: number }>(
        `SELECT count(*) AS comparisons, coalesce(sum(done AND gold_ranking IS NULL), 0) AS completed, coalesce(sum(ranking_count), 0) AS rankings,
                coalesce(sum(gold_ranking IS NOT NULL), 0) AS gold
         FROM comparisons WHERE project_id = ?`,
      )
      .get(project.id)!;
    const medianMs = projectMedianMs(db, project.id);
    const fastThreshold = fastThresholdOf(medianMs);
    const answers = db.sqlite
      .prepare<[number], AnswerRow>(`SELECT ${answerColumns} FROM comparisons c JOIN rankings r ON r.comparison_id = c.id WHERE c.project_id = ? ORDER BY c.id, r.id`)
      .raw()
      .iterate(project.id);
    const candidates = db.sqlite
      .prepare<[number], CandidateRow>(`SELECT ${candidateColumns} FROM comparisons c ${candidatesOf} WHERE c.project_id = ? AND c.ranking_count > 0 ORDER BY c.id, m.id`)
      .iterate(project.id);

    const tallies = new Map<number, TrainerTally>();
    // Agreement between every two trainers of the same comparison.
    let agree = 0;
    let pairs = 0;
    let rankingPairs = 0;
    let overlapping = 0;
    const taus = new RunningMean();
    /** Rankings per day, by days since the epoch (UTC). */
    const days = new Map<number, number>();
    for (const comparison of rankedComparisons(answers, candidates)) {
      const { answers } = comparison;
      if (answers.length >= 2) {
        overlapping++;
        for (let i = 0; i < answers.length; i++) {
          for (let j = i + 1; j < answers.length; j++) {
            const a = pairwiseAgreement(answers[i]!.ranking, answers[j]!.ranking);
            agree += a.agree;
            pairs += a.pairs;
            rankingPairs++;
            taus.add(kendallTauB(answers[i]!.ranking, answers[j]!.ranking));
          }
        }
      }
      for (const answer of answers) {
        let tally = tallies.get(answer.userId);
        if (!tally) tallies.set(answer.userId, (tally = new TrainerTally()));
        tally.add(answer, comparison);
        const day = Math.floor(answer.createdAt / 86_400_000);
        days.set(day, (days.get(day) ?? 0) + 1);
      }
    }

    const username = db.sqlite.prepare<[number], string>('SELECT username FROM users WHERE id = ?').pluck();
    const byName = [...tallies].map(([userId, tally]) => ({ tally, figures: tally.figures(username.get(userId)!, fastThreshold) }));
    byName.sort((a, b) => (a.figures.username < b.figures.username ? -1 : 1));
    const trainers = byName.map((t) => t.figures);

    // The project's length, position and gold figures are its trainers' counts added up.
    const longer = new Counter();
    const buckets = lengthBuckets.map(() => new Counter());
    const positionTally = new PositionTally();
    let goldAnswers = 0;
    let goldCorrect = 0;
    let goldPairs = 0;
    for (const { tally } of byName) {
      longer.addAll(tally.longer);
      tally.buckets.forEach((b, i) => buckets[i]!.addAll(b));
      positionTally.addAll(tally.positions);
      goldAnswers += tally.goldAnswered;
      goldCorrect += tally.goldCorrect;
      goldPairs += tally.goldPairs;
    }

    const timeline = [...days].map(([day, rankings]) => ({ date: new Date(day * 86_400_000).toISOString().slice(0, 10), rankings }));
    return {
      project: project.slug,
      comparisons: totals.comparisons,
      completedComparisons: totals.completed,
      rankings: totals.rankings,
      agreement: { pairwise: share(agree, pairs), kendallTau: taus.value, comparisons: overlapping, rankingPairs },
      lengthBias: {
        longerPreferred: longer.rate,
        pairs: longer.total,
        byLengthRatio: lengthBuckets.map((b, i) => ({ bucket: b.label, longerPreferred: buckets[i]!.rate, pairs: buckets[i]!.total })),
      },
      positionBias: positionTally.bias,
      time: { medianMs, fastThresholdMs: fastThreshold },
      suspicious: {
        shownOrderSubmissions: trainers.reduce((s, t) => s + t.shownOrderSubmissions, 0),
        fastAnswers: trainers.reduce((s, t) => s + t.fastAnswers, 0),
      },
      gold: { comparisons: totals.gold, answers: goldAnswers, accuracy: share(goldCorrect, goldPairs) },
      timeline: timeline.sort((a, b) => (a.date < b.date ? -1 : 1)),
      trainers,
    };
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
      .prepare<[number, number], AnswerRow>(`SELECT ${answerColumns} ${theirs} JOIN rankings r ON r.comparison_id = c.id WHERE mine.user_id = ? AND c.project_id = ? ORDER BY c.id, r.id`)
      .raw()
      .iterate(user.id, projectId);
    const candidates = db.sqlite
      .prepare<[number, number], CandidateRow>(`SELECT ${candidateColumns} ${theirs} ${candidatesOf} WHERE mine.user_id = ? AND c.project_id = ? AND c.ranking_count > 0 ORDER BY c.id, m.id`)
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
  if (!project.leaderboard && viewer.role === 'trainer') throw new AppError(404, 'leaderboard.off', 'This project has no leaderboard.');
  const trainers = (await currentProjectStats(db, project)).trainers.map(({ username, rankings, agreement, goldAccuracy }) => ({ username, rankings, agreement, goldAccuracy }));
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
    .prepare<[number, number], { comparisonId: number; username: string; flags: string; note: string; at: number }>(`
      SELECT r.comparison_id AS comparisonId, u.username, r.flags, r.note, r.updated_at AS at
      FROM rankings r CROSS JOIN comparisons c ON c.id = r.comparison_id JOIN users u ON u.id = r.user_id
      WHERE c.project_id = ? AND (r.flags != '{}' OR r.note != '') ORDER BY r.updated_at DESC LIMIT ?`)
    .all(project.id, REVIEW_LIMIT);
  const skips = db.sqlite
    .prepare<[number, number], { comparisonId: number; username: string; reason: string; at: number }>(`
      SELECT a.comparison_id AS comparisonId, u.username, a.skip_reason AS reason, a.skipped_at AS at
      FROM assignments a CROSS JOIN comparisons c ON c.id = a.comparison_id JOIN users u ON u.id = a.user_id
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
