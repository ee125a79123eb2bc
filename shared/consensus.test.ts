import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consensusPairs, rankedPairs, rankedPairsConsensus } from './consensus.ts';
import { rankingPairs } from './ranking-rules.ts';
import type { RankingGroups } from './rankings.ts';

/** Groups compared as sets: the order inside a tie carries no meaning. */
const asSets = (groups: RankingGroups) => groups.map((g) => [...g].sort());

/** Pairs written "a>b", sorted. */
const asPairs = (pairs: Array<{ chosen: string; rejected: string }>) => pairs.map((p) => `${p.chosen}>${p.rejected}`).sort();

const repeat = (times: number, ranking: RankingGroups): RankingGroups[] => Array.from({ length: times }, () => ranking);

/** A ranking written as a string of labels, best first, with ties in braces: "{ab}c". */
const order = (spec: string): RankingGroups => [...spec.matchAll(/\{(\w+)\}|(\w)/g)].map((m) => (m[1] ? [...m[1]] : [m[2]!]));

describe('rankedPairsConsensus', () => {
  it('returns a single trainer’s ranking as it is, ties included', () => {
    expect(asSets(rankedPairsConsensus(['a', 'b', 'c', 'd'], [[['c'], ['d', 'a'], ['b']]]))).toEqual([['c'], ['a', 'd'], ['b']]);
    expect(rankedPairsConsensus(['a', 'b', 'c'], [[['b'], ['c'], ['a']]])).toEqual([['b'], ['c'], ['a']]);
  });

  it('returns the shared ranking when trainers agree', () => {
    const ranking = [['d'], ['b'], ['a'], ['c']];
    expect(rankedPairsConsensus(['a', 'b', 'c', 'd'], repeat(3, ranking))).toEqual(ranking);
  });

  it('follows the majority on each pair: two trainers out of three win', () => {
    // a>b: 1st and 3rd trainers (2:1); a>c: all three; b>c: 1st and 2nd (2:1).
    expect(rankedPairsConsensus(['a', 'b', 'c'], [order('abc'), order('bac'), order('acb')])).toEqual([['a'], ['b'], ['c']]);
  });

  it('breaks a Condorcet cycle by dropping its weakest majority', () => {
    // 3 trainers: b > c > a;  2 trainers: c > a > b;  2 trainers: a > b > c.
    // Pairwise: b over c 5:2 (3+2), c over a 5:2 (3+2), a over b 4:3 (2+2 against 3): a cycle b>c>a>b.
    // Ranked pairs locks the strongest first: b>c (5:2), then c>a (5:2); a>b (4:3) would close
    // the cycle (b already reaches a through c), so it is dropped. Result: b, c, a.
    const rankings = [...repeat(3, order('bca')), ...repeat(2, order('cab')), ...repeat(2, order('abc'))];
    expect(rankedPairsConsensus(['a', 'b', 'c'], rankings)).toEqual([['b'], ['c'], ['a']]);
  });

  it('puts candidates in one group when the votes between them are tied', () => {
    // a vs b is 1:1, and both beat c 2:0.
    expect(asSets(rankedPairsConsensus(['a', 'b', 'c'], [order('abc'), order('bac')]))).toEqual([['a', 'b'], ['c']]);
    // c vs d is 1:1 again, between a (first for both) and b (last for both).
    expect(asSets(rankedPairsConsensus(['a', 'b', 'c', 'd'], [order('acdb'), order('adcb')]))).toEqual([['a'], ['c', 'd'], ['b']]);
  });

  it('keeps a tie that is a tie in every ranking', () => {
    expect(asSets(rankedPairsConsensus(['a', 'b', 'c'], repeat(2, order('{ca}b'))))).toEqual([['a', 'c'], ['b']]);
  });

  it('gives every candidate exactly once', () => {
    const candidates = ['1', '2', '3', '4', '5'];
    const rankings = [
      [['3'], ['1', '5'], ['2'], ['4']],
      [['5'], ['4'], ['3', '2', '1']],
      [['1'], ['2'], ['3'], ['4'], ['5']],
    ];
    expect(rankedPairsConsensus(candidates, rankings).flat().sort()).toEqual(candidates);
  });
});

describe('a consensus preference needs a locked majority path', () => {
  it('finds no preference at all in a perfect cycle, whatever the order of the candidates', () => {
    // a>b>c, b>c>a, c>a>b: every pairwise majority is 2:1. Locking any two of them in some order
    // would let that order decide against a 2:1 majority (a>b, b>c locked gives a ≻ c, which c>a 2:1 contradicts).
    const rankings = [order('abc'), order('bca'), order('cab')];
    for (const candidates of [
      ['a', 'b', 'c'],
      ['c', 'b', 'a'],
      ['b', 'a', 'c'],
    ]) {
      expect(rankedPairs(candidates, rankings)).toEqual({ ranking: [candidates], pairs: [] });
    }
    expect(asSets(rankedPairsConsensus(['a', 'b', 'c'], [...rankings].reverse()))).toEqual([['a', 'b', 'c']]);
  });

  it('does not rank a candidate that is 1–1 with the others: A>B>C and C>A>B give only A ≻ B', () => {
    // A over B 2:0 is locked; A–C and B–C are 1:1. C is beside both, so no weak order but the
    // single group leaves out a pair without a majority (C ≻ B, or B ≻ C).
    const result = rankedPairs(['A', 'B', 'C'], [order('ABC'), order('CAB')]);
    expect(asSets(result.ranking)).toEqual([['A', 'B', 'C']]);
    expect(result.pairs).toEqual([{ chosen: 'A', rejected: 'B', distance: 1 }]);
    expect(consensusPairs(['A', 'B', 'C'], [order('ABC'), order('CAB')])).toEqual(result.pairs);
  });

  it('finds nothing when trainers split 2 against 2 on every pair', () => {
    expect(rankedPairs(['a', 'b', 'c'], [order('abc'), order('abc'), order('cba'), order('cba')])).toEqual({ ranking: [['a', 'b', 'c']], pairs: [] });
  });

  it('keeps what a 2-against-2 split leaves standing', () => {
    // a–b is 2:2; both beat c 4:0.
    const result = rankedPairs(['a', 'b', 'c'], [order('abc'), order('abc'), order('bac'), order('bac')]);
    expect(result.ranking).toEqual([['a', 'b'], ['c']]);
    expect(asPairs(result.pairs)).toEqual(['a>c', 'b>c']);
  });

  it('gives a unanimous strict order with every one of its pairs, as far apart as their ranks', () => {
    const ranking = order('dbac');
    const result = rankedPairs(['a', 'b', 'c', 'd'], repeat(3, ranking));
    expect(result.ranking).toEqual(ranking);
    expect(result.pairs).toEqual(rankingPairs(ranking));
  });

  it('lists the preferences a tie of the ranking hides', () => {
    // Locked: a>b (2:0), c>b (2:0), c>d (2:0); a–c, a–d and b–d are 1:1. No cut is complete
    // (c ≻ a and a ≻ d have no path), so the ranking is one group; the three pairs remain.
    const result = rankedPairs(['a', 'b', 'c', 'd'], [order('acbd'), order('cdab')]);
    expect(asSets(result.ranking)).toEqual([['a', 'b', 'c', 'd']]);
    expect(asPairs(result.pairs)).toEqual(['a>b', 'c>b', 'c>d']);
  });

  it('measures a pair’s distance along the longest locked path', () => {
    // a>b and b>c 2:1 are locked, a>c 3:0 too: a ≻ c is two steps apart, as in the ranking.
    const result = rankedPairs(['a', 'b', 'c'], [order('abc'), order('abc'), order('acb')]);
    expect(result.ranking).toEqual([['a'], ['b'], ['c']]);
    expect(result.pairs).toEqual([
      { chosen: 'a', rejected: 'b', distance: 1 },
      { chosen: 'a', rejected: 'c', distance: 2 },
      { chosen: 'b', rejected: 'c', distance: 1 },
    ]);
  });
});

/**
 * Ranked pairs written again the slow way, as a reachability matrix closed by Floyd–Warshall:
 * which candidate the locked majorities lead to which. Majorities of one strength are weighed
 * together, and one that closes a cycle with the locked ones or with its equals is dropped.
 */
function lockedPaths(candidates: string[], rankings: RankingGroups[]): boolean[][] {
  const n = candidates.length;
  const rank = rankings.map((r) => new Map(r.flatMap((group, g) => group.map((c) => [c, g] as const))));
  const votes = (a: number, b: number) => rank.filter((p) => p.get(candidates[a]!)! < p.get(candidates[b]!)!).length;
  const close = (m: boolean[][]) => {
    const r = m.map((row) => [...row]);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (r[i]![k] && r[k]![j]) r[i]![j] = true;
    return r;
  };
  const majorities: Array<{ a: number; b: number; strength: string }> = [];
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (votes(a, b) > votes(b, a)) majorities.push({ a, b, strength: `${votes(a, b)}:${votes(b, a)}` });
  const byStrength = (s: string) => s.split(':').map(Number) as [number, number];
  const strengths = [...new Set(majorities.map((m) => m.strength))].sort((x, y) => byStrength(y)[0] - byStrength(x)[0] || byStrength(x)[1] - byStrength(y)[1]);
  let paths = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
  for (const strength of strengths) {
    const tier = majorities.filter((m) => m.strength === strength);
    const withTier = paths.map((row) => [...row]);
    for (const m of tier) withTier[m.a]![m.b] = true;
    const closedWithTier = close(withTier);
    const next = paths.map((row) => [...row]);
    for (const m of tier) if (!closedWithTier[m.b]![m.a]) next[m.a]![m.b] = true;
    paths = close(next);
  }
  return paths;
}

const candidateCount = fc.integer({ min: 2, max: 6 });
/**
 * Candidates "a", "b", … and some trainers' rankings of all of them: strict orders, where cycles
 * of equal strength are common, and orders with ties.
 */
const election = candidateCount.chain((n) => {
  const labels = [...'abcdef'].slice(0, n);
  const strict = fc.shuffledSubarray(labels, { minLength: n, maxLength: n }).map((order) => order.map((c) => [c]));
  const withTies = fc
    .array(fc.integer({ min: 0, max: n - 1 }), { minLength: n, maxLength: n })
    .map((groupOf) => [...new Set(groupOf)].sort((x, y) => x - y).map((g) => labels.filter((_, i) => groupOf[i] === g)));
  return fc.record({
    candidates: fc.shuffledSubarray(labels, { minLength: n, maxLength: n }),
    rankings: fc.array(fc.oneof(strict, withTies), { minLength: 1, maxLength: 7 }),
  });
});

describe('ranked pairs on any rankings', () => {
  it('backs every strict pair of the consensus ranking and every consensus pair with a locked path, and lists every such pair', () => {
    fc.assert(
      fc.property(election, ({ candidates, rankings }) => {
        const { ranking, pairs } = rankedPairs(candidates, rankings);
        const paths = lockedPaths(candidates, rankings);
        const index = (c: string) => candidates.indexOf(c);
        expect(ranking.flat().sort()).toEqual([...candidates].sort());
        for (const p of rankingPairs(ranking)) expect(paths[index(p.chosen)]![index(p.rejected)], `${p.chosen} ≻ ${p.rejected} in the ranking`).toBe(true);
        const expected = candidates.flatMap((a) => candidates.filter((b) => paths[index(a)]![index(b)]).map((b) => `${a}>${b}`));
        expect(asPairs(pairs)).toEqual(expected.sort());
        for (const p of pairs) expect(p.distance).toBeGreaterThanOrEqual(1);
      }),
    );
  });

  it('ties no more than it must: no group splits in two with the first half preferred to the second', () => {
    fc.assert(
      fc.property(election, ({ candidates, rankings }) => {
        const { ranking, pairs } = rankedPairs(candidates, rankings);
        const supported = new Set(asPairs(pairs));
        for (const group of ranking) {
          for (let mask = 1; mask < 2 ** group.length - 1; mask++) {
            const first = group.filter((_, i) => mask & (2 ** i));
            const second = group.filter((_, i) => !(mask & (2 ** i)));
            expect(
              first.every((a) => second.every((b) => supported.has(`${a}>${b}`))),
              `${first} before ${second}`,
            ).toBe(false);
          }
        }
      }),
    );
  });

  it('prefers X to Y whenever every trainer does', () => {
    fc.assert(
      fc.property(election, ({ candidates, rankings }) => {
        const supported = new Set(asPairs(consensusPairs(candidates, rankings)));
        const rank = rankings.map((r) => new Map(r.flatMap((group, g) => group.map((c) => [c, g] as const))));
        for (const a of candidates) {
          for (const b of candidates) if (rank.every((p) => p.get(a)! < p.get(b)!)) expect(supported.has(`${a}>${b}`), `${a} > ${b} for everyone`).toBe(true);
        }
      }),
    );
  });

  it('does not depend on the order of the candidates or of the trainers', () => {
    fc.assert(
      fc.property(election, fc.boolean(), ({ candidates, rankings }, reverse) => {
        const result = rankedPairs(candidates, rankings);
        const other = rankedPairs(reverse ? [...candidates].reverse() : [...candidates].sort(), [...rankings].reverse());
        expect(asSets(other.ranking)).toEqual(asSets(result.ranking));
        expect(asPairs(other.pairs)).toEqual(asPairs(result.pairs));
      }),
    );
  });
});
