import { rankedPairs } from './consensus.ts';
import { rankPositions } from './ranking-rules.ts';
import type { RankingGroups } from './rankings.ts';
import type { ProjectStats, TrainerStats } from './stats.ts';

// The quality figures (GET /projects/:slug/stats, `ordinal stats`, the export's --min-agreement),
// as pure functions and running totals: server/modules/stats/stats.ts reads the rows and feeds them here.

const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);

/** Unordered pairs of the candidates both rankings hold. */
function* sharedPairs(a: Map<string, number>, b: Map<string, number>): Generator<[string, string]> {
  const ids = [...a.keys()].filter((id) => b.has(id)).sort();
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) yield [ids[i]!, ids[j]!];
}

/**
 * Pairwise agreement: of the candidate pairs both rankings order strictly (a pair tied in either
 * is left out), how many they order the same way.
 */
export function pairwiseAgreement(a: RankingGroups, b: RankingGroups): { agree: number; pairs: number } {
  const pa = rankPositions(a);
  const pb = rankPositions(b);
  let agree = 0;
  let pairs = 0;
  for (const [x, y] of sharedPairs(pa, pb)) {
    const sa = sign(pa.get(x)! - pa.get(y)!);
    const sb = sign(pb.get(x)! - pb.get(y)!);
    if (sa === 0 || sb === 0) continue;
    pairs++;
    if (sa === sb) agree++;
  }
  return { agree, pairs };
}

/**
 * Agreement with consensus pairs (shared/consensus.ts): of the pairs the ranking orders strictly
 * (a pair it ties is left out, as in pairwiseAgreement), how many it orders the same way. Scoring
 * on the pairs rather than on the consensus ranking counts the preferences its ties hide, and
 * only those a majority supports.
 */
export function pairsAgreement(ranking: RankingGroups, pairs: ReadonlyArray<{ chosen: string; rejected: string }>): { agree: number; pairs: number } {
  const p = rankPositions(ranking);
  let agree = 0;
  let scored = 0;
  for (const { chosen, rejected } of pairs) {
    const order = sign(p.get(rejected)! - p.get(chosen)!);
    if (order === 0) continue;
    scored++;
    if (order > 0) agree++;
  }
  return { agree, pairs: scored };
}

/**
 * Kendall's τ-b between two rankings of the same candidates, ties corrected:
 * (concordant − discordant) / √((n₀ − n₁)(n₀ − n₂)). Null when either ranking ties everything.
 */
export function kendallTauB(a: RankingGroups, b: RankingGroups): number | null {
  const pa = rankPositions(a);
  const pb = rankPositions(b);
  let concordant = 0;
  let discordant = 0;
  let tiedA = 0;
  let tiedB = 0;
  let n0 = 0;
  for (const [x, y] of sharedPairs(pa, pb)) {
    n0++;
    const sa = sign(pa.get(x)! - pa.get(y)!);
    const sb = sign(pb.get(x)! - pb.get(y)!);
    if (sa === 0) tiedA++;
    if (sb === 0) tiedB++;
    if (sa !== 0 && sb !== 0) {
      if (sa === sb) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt((n0 - tiedA) * (n0 - tiedB));
  return denominator === 0 ? null : (concordant - discordant) / denominator;
}

/** The mean of the numbers that exist, kept as they come (summed in that order); null for none. */
export class RunningMean {
  private sum = 0;
  private count = 0;
  add(value: number | null) {
    if (value === null) return;
    this.sum += value;
    this.count++;
  }
  get value(): number | null {
    return this.count ? this.sum / this.count : null;
  }
}

/** The median of numbers already in ascending order (a million of them sort in place, not copied). */
export function medianOfSorted(sorted: ArrayLike<number>): number | null {
  if (!sorted.length) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const share = (part: number, whole: number) => (whole ? part / whole : null);

/** Buckets of how much longer the longer candidate of a pair is (in code points, longer ÷ shorter). */
export const lengthBuckets = [
  { label: 'up to 1.25×', max: 1.25 },
  { label: '1.25–1.5×', max: 1.5 },
  { label: '1.5–2×', max: 2 },
  { label: 'over 2×', max: Infinity },
] as const;

export const lengthBucketOf = (longer: number, shorter: number) => {
  const ratio = longer / Math.max(shorter, 1);
  return lengthBuckets.findIndex((b) => ratio <= b.max);
};

/**
 * For every untied pair of candidates of different lengths, whether the longer one won.
 * `lengths` maps candidate id to its length (shared/text-length.ts).
 */
export function lengthOutcomes(ranking: RankingGroups, lengths: Map<string, number>): Array<{ longerWon: boolean; bucket: number }> {
  const p = rankPositions(ranking);
  const out: Array<{ longerWon: boolean; bucket: number }> = [];
  const ids = [...p.keys()].sort();
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const [x, y] = [ids[i]!, ids[j]!];
      const [lx, ly] = [lengths.get(x)!, lengths.get(y)!];
      if (p.get(x) === p.get(y) || lx === ly) continue;
      const longer = lx > ly ? x : y;
      const shorter = longer === x ? y : x;
      out.push({ longerWon: p.get(longer)! < p.get(shorter)!, bucket: lengthBucketOf(Math.max(lx, ly), Math.min(lx, ly)) });
    }
  }
  return out;
}

/** The "prefers longer" mark: at least this share of a trainer's length pairs went to the longer answer, */
const PREFERS_LONGER_SHARE = 0.75;
/** over at least this many untied pairs of different lengths (fewer say too little). */
const PREFERS_LONGER_MIN_PAIRS = 20;

/** Whether a trainer earns the "prefers longer" mark, wherever it shows: dashboard, `stats` table and JSON. */
export const prefersLonger = (longerPreferred: number | null, lengthPairs: number) =>
  longerPreferred !== null && lengthPairs >= PREFERS_LONGER_MIN_PAIRS && longerPreferred >= PREFERS_LONGER_SHARE;

/**
 * For the candidate shown at each position (0 = first), its untied pairwise wins and contests in
 * this ranking. Unbiased trainers give every position a win rate near one half.
 */
export function positionOutcomes(ranking: RankingGroups, shownOrder: string[]): Array<{ wins: number; contests: number }> {
  const p = rankPositions(ranking);
  return shownOrder.map((id) => {
    let wins = 0;
    let contests = 0;
    for (const other of shownOrder) {
      if (other === id || p.get(other) === p.get(id)) continue;
      contests++;
      if (p.get(id)! < p.get(other)!) wins++;
    }
    return { wins, contests };
  });
}

/** Whether a ranking is exactly the order the candidates were shown in, with no ties. */
export const isShownOrder = (ranking: RankingGroups, shownOrder: string[]) =>
  ranking.every((g) => g.length === 1) && ranking.flat().join('\n') === shownOrder.join('\n');

/** Every two of one comparison's rankings, each pair of them once, in the order they came. */
function* everyTwo<T>(items: readonly T[]): Generator<[T, T]> {
  for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) yield [items[i]!, items[j]!];
}

/** Pairwise agreement summed over every two of one comparison's rankings. */
export function agreementAmong(rankings: readonly RankingGroups[]): { agree: number; pairs: number } {
  let agree = 0;
  let pairs = 0;
  for (const [a, b] of everyTwo(rankings)) {
    const x = pairwiseAgreement(a, b);
    agree += x.agree;
    pairs += x.pairs;
  }
  return { agree, pairs };
}

/**
 * How much a comparison's trainers agree (pairwise, `agreementAmong`): what the export's
 * `minAgreement` compares. Null when fewer than two ranked it, or they share no untied pair.
 */
export function comparisonAgreement(rankings: readonly RankingGroups[]): number | null {
  if (rankings.length < 2) return null;
  const { agree, pairs } = agreementAmong(rankings);
  return share(agree, pairs);
}

/** Agreement between the trainers of the same comparison, over many comparisons, one at a time. */
class AgreementTally {
  private agree = 0;
  private pairs = 0;
  private rankingPairs = 0;
  private comparisons = 0;
  private taus = new RunningMean();
  add(rankings: readonly RankingGroups[]) {
    if (rankings.length < 2) return;
    this.comparisons++;
    const a = agreementAmong(rankings);
    this.agree += a.agree;
    this.pairs += a.pairs;
    for (const [x, y] of everyTwo(rankings)) {
      this.rankingPairs++;
      this.taus.add(kendallTauB(x, y));
    }
  }
  get figures(): ProjectStats['agreement'] {
    return { pairwise: share(this.agree, this.pairs), kendallTau: this.taus.value, comparisons: this.comparisons, rankingPairs: this.rankingPairs };
  }
}

/** One trainer's answer to a comparison. */
export interface Answer {
  userId: number;
  ranking: RankingGroups;
  shownOrder: string[];
  durationMs: number | null;
  createdAt: number;
}

/** A ranked comparison: its answers in the order they were given, and its candidates' lengths. */
export interface RankedComparison {
  gold: RankingGroups | null;
  /** Candidate id → length (shared/text-length.ts), in candidate id order. */
  lengths: Map<string, number>;
  answers: Answer[];
}

/** A fast answer took less than this share of the project's median time. */
const FAST_SHARE = 0.25;

export const fastThresholdOf = (projectMedianMs: number | null) => (projectMedianMs === null ? null : projectMedianMs * FAST_SHARE);

/** Share of the gold's untied pairs the ranking orders the same way; a tie where gold has an order is wrong. */
export function goldScore(ranking: RankingGroups, gold: RankingGroups) {
  const mine = rankPositions(ranking);
  const expected = rankPositions(gold);
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
export class Durations {
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
 * these, and so are the trainer's own (`stats/me`), so the two cannot differ.
 */
export class TrainerTally {
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

/** What a project's figures take besides its answers: its counts (project_counts) and median time on task. */
export interface ProjectTotals {
  comparisons: number;
  /** Comparisons done that are not gold (migrations/0006 counts them). */
  completed: number;
  rankings: number;
  gold: number;
}

/**
 * A project's running totals, one ranked comparison at a time: agreement between its trainers,
 * each trainer's `TrainerTally`, rankings per day. Memory grows with the trainers and the days,
 * not with the rankings (besides 8 bytes of time on task per ranking, for exact medians).
 */
export class ProjectTally {
  private agreement = new AgreementTally();
  private trainers = new Map<number, TrainerTally>();
  /** Rankings per day, by days since the epoch (UTC). */
  private days = new Map<number, number>();

  add(comparison: RankedComparison) {
    this.agreement.add(comparison.answers.map((a) => a.ranking));
    for (const answer of comparison.answers) {
      let tally = this.trainers.get(answer.userId);
      if (!tally) this.trainers.set(answer.userId, (tally = new TrainerTally()));
      tally.add(answer, comparison);
      const day = Math.floor(answer.createdAt / 86_400_000);
      this.days.set(day, (this.days.get(day) ?? 0) + 1);
    }
  }

  /** Every figure of the project; `usernameOf` names the trainers, who are listed by name. */
  figures(project: string, totals: ProjectTotals, medianMs: number | null, usernameOf: (userId: number) => string): ProjectStats {
    const fastThreshold = fastThresholdOf(medianMs);
    const byName = [...this.trainers].map(([userId, tally]) => ({ tally, figures: tally.figures(usernameOf(userId), fastThreshold) }));
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

    const timeline = [...this.days].map(([day, rankings]) => ({ date: new Date(day * 86_400_000).toISOString().slice(0, 10), rankings }));
    return {
      project,
      comparisons: totals.comparisons,
      completedComparisons: totals.completed,
      rankings: totals.rankings,
      agreement: this.agreement.figures,
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
  }
}
