import { describe, expect, it } from 'vitest';
import { rankedPairsConsensus } from './consensus.ts';
import type { RankingGroups } from './rankings.ts';

/** Groups compared as sets: the order inside a tie carries no meaning. */
const asSets = (groups: RankingGroups) => groups.map((g) => [...g].sort());

const repeat = (times: number, ranking: RankingGroups): RankingGroups[] => Array.from({ length: times }, () => ranking);

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
    const rankings = [
      [['a'], ['b'], ['c']],
      [['b'], ['a'], ['c']],
      [['a'], ['c'], ['b']],
    ];
    expect(rankedPairsConsensus(['a', 'b', 'c'], rankings)).toEqual([['a'], ['b'], ['c']]);
  });

  it('breaks a Condorcet cycle by dropping its weakest majority', () => {
    // 3 trainers: b > c > a;  2 trainers: c > a > b;  2 trainers: a > b > c.
    // Pairwise: b over c 5:2 (3+2), c over a 5:2 (3+2), a over b 4:3 (2+2 against 3): a cycle b>c>a>b.
    // Ranked pairs locks the strongest first: b>c (5:2), then c>a (5:2); a>b (4:3) would close
    // the cycle (b already reaches a through c), so it is dropped. Result: b, c, a.
    const rankings = [...repeat(3, [['b'], ['c'], ['a']]), ...repeat(2, [['c'], ['a'], ['b']]), ...repeat(2, [['a'], ['b'], ['c']])];
    expect(rankedPairsConsensus(['a', 'b', 'c'], rankings)).toEqual([['b'], ['c'], ['a']]);
  });

  it('puts candidates in one group when the votes between them are tied', () => {
    // a vs b is 1:1, and both beat c 2:0.
    expect(asSets(rankedPairsConsensus(['a', 'b', 'c'], [[['a'], ['b'], ['c']], [['b'], ['a'], ['c']]]))).toEqual([['a', 'b'], ['c']]);
    // c vs d is 1:1 again, between a (first for both) and b (last for both).
    expect(
      asSets(
        rankedPairsConsensus(
          ['a', 'b', 'c', 'd'],
          [
            [['a'], ['c'], ['d'], ['b']],
            [['a'], ['d'], ['c'], ['b']],
          ],
        ),
      ),
    ).toEqual([['a'], ['c', 'd'], ['b']]);
  });

  it('keeps a tie that is a tie in every ranking', () => {
    expect(asSets(rankedPairsConsensus(['a', 'b', 'c'], repeat(2, [['c', 'a'], ['b']])))).toEqual([['a', 'c'], ['b']]);
  });

  it('resolves a cycle of equal strengths the same way every time, in the order of the candidates', () => {
    // a>b>c, b>c>a, c>a>b: every pairwise majority is 2:1, a perfect cycle.
    // Equal strengths are locked in candidate order: with [a,b,c], a>b then b>c, and c>a is dropped.
    const rankings = [
      [['a'], ['b'], ['c']],
      [['b'], ['c'], ['a']],
      [['c'], ['a'], ['b']],
    ];
    const first = rankedPairsConsensus(['a', 'b', 'c'], rankings);
    expect(first).toEqual([['a'], ['b'], ['c']]);
    expect(rankedPairsConsensus(['a', 'b', 'c'], rankings)).toEqual(first);
    // The order in which the trainers answered does not matter.
    expect(rankedPairsConsensus(['a', 'b', 'c'], [...rankings].reverse())).toEqual(first);
    // With candidates listed [c,b,a]: c>a is locked first, then b>c; a>b would close the cycle.
    expect(rankedPairsConsensus(['c', 'b', 'a'], rankings)).toEqual([['b'], ['c'], ['a']]);
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
