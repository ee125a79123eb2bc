import type { RankingGroups } from './rankings.ts';

/** Each candidate's rank group (0 = best). */
export function positions(ranking: RankingGroups): Map<string, number> {
  const result = new Map<string, number>();
  ranking.forEach((group, g) => group.forEach((id) => result.set(id, g)));
  return result;
}

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
  const pa = positions(a);
  const pb = positions(b);
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
  const p = positions(ranking);
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
  const pa = positions(a);
  const pb = positions(b);
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

/** Mean of the numbers that exist; null for none. */
export function mean(values: Array<number | null>): number | null {
  const running = new RunningMean();
  for (const v of values) running.add(v);
  return running.value;
}

export const median = (values: ArrayLike<number>): number | null => medianOfSorted(Float64Array.from(values).sort());

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
  const p = positions(ranking);
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
  const p = positions(ranking);
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
