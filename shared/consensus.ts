import { rankPositions } from './ranking-rules.ts';
import type { RankingGroups } from './rankings.ts';

/** A consensus preference: the locked majorities lead from `chosen` to `rejected`. */
export interface ConsensusPair {
  chosen: string;
  rejected: string;
  /**
   * Steps of the longest locked path from `chosen` to `rejected`. Where the locked preferences
   * form a weak order this is how many groups apart the two are, as `rankingPairs` counts distance.
   */
  distance: number;
}

export interface Consensus {
  /**
   * Groups best first. Every candidate of a group is preferred, by a locked path, to every
   * candidate of every later group; candidates that no such cut separates share a group.
   */
  ranking: RankingGroups;
  /** Every supported pair, and no other: `ranking`'s strict pairs and those its ties hide. */
  pairs: ConsensusPair[];
}

/**
 * Tideman's ranked pairs over several trainers' rankings of the same candidates
 * (docs/decisions/0002-consensus-by-ranked-pairs.md says why).
 *
 * Majorities are locked strongest first, each unless it would close a cycle with those already
 * locked. Majorities of equal strength are weighed together: one that closes a cycle with the
 * locked ones or with the others of its strength is dropped, so no order of the candidates
 * decides which side of an even cycle wins. A perfect cycle (a>b>c, b>c>a, c>a>b) locks nothing.
 *
 * A consensus preference X ≻ Y exists exactly where the locked majorities lead from X to Y. The
 * locked graph need not be a weak order (with a>b locked and c beside both, ranking c anywhere
 * would invent a preference), so `ranking` is the finest weak order all of whose strict pairs are
 * supported, and `pairs` lists every supported preference, those the ranking ties included.
 * Deterministic: the same rankings give the same result in whatever order they come.
 */
export function rankedPairs(candidates: readonly string[], rankings: readonly RankingGroups[]): Consensus {
  const n = candidates.length;
  const wins = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const ranking of rankings) {
    const position = rankPositions(ranking);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        const pa = position.get(candidates[a]!);
        const pb = position.get(candidates[b]!);
        if (pa !== undefined && pb !== undefined && pa < pb) wins[a]![b]!++;
      }
    }
  }

  const majorities: Array<{ winner: number; loser: number; for: number; against: number }> = [];
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      if (wins[a]![b]! > wins[b]![a]!) majorities.push({ winner: a, loser: b, for: wins[a]![b]!, against: wins[b]![a]! });
    }
  }
  majorities.sort((x, y) => y.for - x.for || x.against - y.against);

  const beats = Array.from({ length: n }, () => new Set<number>());
  const reaches = (graph: ReadonlyArray<ReadonlySet<number>>, from: number, to: number): boolean => {
    const stack = [from];
    const seen = new Set<number>();
    while (stack.length) {
      const node = stack.pop()!;
      if (node === to) return true;
      if (seen.has(node)) continue;
      seen.add(node);
      stack.push(...graph[node]!);
    }
    return false;
  };
  for (let start = 0; start < majorities.length;) {
    let end = start;
    while (end < majorities.length && majorities[end]!.for === majorities[start]!.for && majorities[end]!.against === majorities[start]!.against) end++;
    const tier = majorities.slice(start, end);
    const withTier = beats.map((b) => new Set(b));
    for (const m of tier) withTier[m.winner]!.add(m.loser);
    // Decided on the graph with the whole tier in it, then locked together: none of them closes a
    // cycle, since each would have had its loser reach its winner in that graph.
    const locked = tier.filter((m) => !reaches(withTier, m.loser, m.winner));
    for (const m of locked) beats[m.winner]!.add(m.loser);
    start = end;
  }

  // longest[a][b]: steps of the longest locked path from a to b, 0 where there is none.
  const longest: number[][] = new Array<number[]>(n);
  const longestFrom = (a: number): number[] => {
    if (longest[a]) return longest[a];
    const steps = new Array<number>(n).fill(0);
    for (const next of beats[a]!) {
      steps[next] = Math.max(steps[next]!, 1);
      longestFrom(next).forEach((s, b) => {
        if (s) steps[b] = Math.max(steps[b]!, s + 1);
      });
    }
    return (longest[a] = steps);
  };
  for (let a = 0; a < n; a++) longestFrom(a);
  const supported = (a: number, b: number) => longest[a]![b]! > 0;

  // The cuts a weak order may have are the sets whose every member is preferred to every
  // candidate outside. Such sets are nested (x in one only and y in the other only would be
  // preferred each to the other), and each is a prefix of the candidates sorted by how many
  // they are preferred to, so trying every prefix of that order finds them all.
  const below = (a: number) => longest[a]!.filter((s) => s > 0).length;
  const order = candidates.map((_, i) => i).sort((x, y) => below(y) - below(x) || x - y);
  const groups: number[][] = [];
  for (let start = 0, cut = 1; cut <= n; cut++) {
    const complete = cut === n || order.slice(0, cut).every((a) => order.slice(cut).every((b) => supported(a, b)));
    if (!complete) continue;
    groups.push(order.slice(start, cut).sort((x, y) => x - y));
    start = cut;
  }

  // Best first, as rankingPairs lists a ranking's pairs: where the locked graph is a weak order the two lists are equal.
  const sequence = groups.flat();
  const pairs = sequence.flatMap((a) =>
    sequence.filter((b) => supported(a, b)).map((b) => ({ chosen: candidates[a]!, rejected: candidates[b]!, distance: longest[a]![b]! })),
  );
  const ranking = groups.map((group) => group.map((c) => candidates[c]!));
  return { ranking, pairs };
}

/** The consensus ranking of `rankedPairs`: a weak order, groups best first, whose every strict pair is supported. */
export const rankedPairsConsensus = (candidates: readonly string[], rankings: readonly RankingGroups[]): RankingGroups =>
  rankedPairs(candidates, rankings).ranking;

/** Every consensus pair of `rankedPairs`: exactly the preferences a locked majority path supports. */
export const consensusPairs = (candidates: readonly string[], rankings: readonly RankingGroups[]): ConsensusPair[] => rankedPairs(candidates, rankings).pairs;
