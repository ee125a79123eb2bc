import type { RankingGroups } from './rankings.ts';

/**
 * Tideman's ranked pairs over several trainers' rankings of the same candidates
 * (docs/decisions/0002-consensus-by-ranked-pairs.md says why). Returns groups best first;
 * candidates that no locked majority separates share a group (a tie).
 * Deterministic: equal-strength pairs are taken in the order of `candidates`.
 */
export function rankedPairsConsensus(candidates: readonly string[], rankings: readonly RankingGroups[]): RankingGroups {
  const n = candidates.length;
  const wins = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const ranking of rankings) {
    const position = new Map<string, number>();
    ranking.forEach((group, g) => group.forEach((c) => position.set(c, g)));
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
  majorities.sort((x, y) => y.for - x.for || x.against - y.against || x.winner - y.winner || x.loser - y.loser);

  const beats = Array.from({ length: n }, () => new Set<number>());
  const reaches = (from: number, to: number): boolean => {
    const stack = [from];
    const seen = new Set<number>();
    while (stack.length) {
      const node = stack.pop()!;
      if (node === to) return true;
      if (seen.has(node)) continue;
      seen.add(node);
      stack.push(...beats[node]!);
    }
    return false;
  };
  for (const m of majorities) if (!reaches(m.loser, m.winner)) beats[m.winner]!.add(m.loser);

  const groups: RankingGroups = [];
  const remaining = new Set(candidates.map((_, i) => i));
  while (remaining.size) {
    const beaten = new Set<number>();
    for (const a of remaining) for (const b of beats[a]!) beaten.add(b);
    const top = [...remaining].filter((c) => !beaten.has(c));
    groups.push(top.map((c) => candidates[c]!));
    for (const c of top) remaining.delete(c);
  }
  return groups;
}
