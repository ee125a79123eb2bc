import { describe, expect, it } from 'vitest';
import {
  agreementAmong,
  comparisonAgreement,
  Durations,
  isShownOrder,
  kendallTauB,
  lengthBucketOf,
  lengthOutcomes,
  medianOfSorted,
  pairsAgreement,
  pairwiseAgreement,
  positionOutcomes,
  prefersLonger,
  RunningMean,
} from './quality.ts';

describe('pairwise agreement', () => {
  it('counts every pair as agreed when two trainers rank alike', () => {
    expect(pairwiseAgreement([['a'], ['b'], ['c']], [['a'], ['b'], ['c']])).toEqual({ agree: 3, pairs: 3 });
  });

  it('counts no pair as agreed when one trainer reverses the other', () => {
    expect(pairwiseAgreement([['a'], ['b'], ['c']], [['c'], ['b'], ['a']])).toEqual({ agree: 0, pairs: 3 });
  });

  it('leaves out a pair tied by either trainer', () => {
    // a~b in the first: left out; a>c and b>c agree.
    expect(pairwiseAgreement([['a', 'b'], ['c']], [['a'], ['b'], ['c']])).toEqual({ agree: 2, pairs: 2 });
    // a~b in the first and b~c in the second are left out; only a>c is left, and agreed.
    expect(pairwiseAgreement([['a', 'b'], ['c']], [['a'], ['b', 'c']])).toEqual({ agree: 1, pairs: 1 });
    // Pairs: ab (a tie in the second, out), ac: a>c vs c>a (disagree), bc: b>c vs c>b (disagree).
    expect(pairwiseAgreement([['a'], ['b'], ['c']], [['c'], ['a', 'b']])).toEqual({ agree: 0, pairs: 2 });
  });

  it('has no pairs to count when either trainer ties everything', () => {
    expect(pairwiseAgreement([['a', 'b', 'c']], [['a'], ['b'], ['c']])).toEqual({ agree: 0, pairs: 0 });
  });

  it('does not depend on the order of the ids inside a tie or on which ranking comes first', () => {
    const x = [['b', 'a'], ['d'], ['c']];
    const y = [['d'], ['a'], ['c', 'b']];
    expect(pairwiseAgreement(x, y)).toEqual(pairwiseAgreement(y, x));
    expect(pairwiseAgreement(x, y)).toEqual(pairwiseAgreement([['a', 'b'], ['d'], ['c']], y));
  });
});

describe('agreement with consensus pairs', () => {
  it('counts the pairs the ranking orders the same way, of those it does not tie', () => {
    const pairs = [
      { chosen: 'a', rejected: 'b' },
      { chosen: 'a', rejected: 'c' },
      { chosen: 'c', rejected: 'd' },
    ];
    // a>b and a>c agreed; c~d tied, left out.
    expect(pairsAgreement([['a'], ['b'], ['c', 'd']], pairs)).toEqual({ agree: 2, pairs: 2 });
    // a>b and a>c reversed; c>d agreed.
    expect(pairsAgreement([['b'], ['c'], ['a'], ['d']], pairs)).toEqual({ agree: 1, pairs: 3 });
  });

  it('has nothing to score where the consensus has no pair', () => {
    expect(pairsAgreement([['a'], ['b']], [])).toEqual({ agree: 0, pairs: 0 });
  });
});

describe('Kendall τ-b', () => {
  it('is 1 for identical rankings and −1 for reversed ones', () => {
    expect(kendallTauB([['a'], ['b'], ['c'], ['d']], [['a'], ['b'], ['c'], ['d']])).toBe(1);
    expect(kendallTauB([['a'], ['b'], ['c'], ['d']], [['d'], ['c'], ['b'], ['a']])).toBe(-1);
  });

  it('is (C − D) / n₀ without ties: one swapped neighbour of four gives (5 − 1) / 6', () => {
    expect(kendallTauB([['a'], ['b'], ['c'], ['d']], [['b'], ['a'], ['c'], ['d']])).toBeCloseTo(4 / 6, 12);
  });

  it('corrects for ties: (C − D) / √((n₀ − n₁)(n₀ − n₂))', () => {
    // x = {a,b} > c > d, y = a > b > {c,d}. n₀ = 6 pairs; n₁ = 1 (ab tied in x), n₂ = 1 (cd tied in y).
    // ab: tied in x; ac, ad, bc, bd: concordant; cd: tied in y. C = 4, D = 0.
    // τ-b = 4 / √(5 × 5) = 0.8.
    expect(kendallTauB([['a', 'b'], ['c'], ['d']], [['a'], ['b'], ['c', 'd']])).toBeCloseTo(0.8, 12);
    // x = {a,b} > c > d, y = d > a > {b,c}.
    // ab: tied in x; ac: a>c in both (C); ad: a>d vs d>a (D); bc: tied in y; bd: D; cd: D.
    // C = 1, D = 3, n₁ = 1, n₂ = 1: τ-b = (1 − 3) / √(5 × 5) = −0.4.
    expect(kendallTauB([['a', 'b'], ['c'], ['d']], [['d'], ['a'], ['b', 'c']])).toBeCloseTo(-0.4, 12);
    // x = {a,b} > c, y = a > b > c: n₀ = 3, n₁ = 1, n₂ = 0, C = 2: τ-b = 2 / √(2 × 3) = 2/√6.
    expect(kendallTauB([['a', 'b'], ['c']], [['a'], ['b'], ['c']])).toBeCloseTo(2 / Math.sqrt(6), 12);
  });

  it('is undefined (null) when either ranking ties everything', () => {
    expect(kendallTauB([['a', 'b', 'c']], [['a'], ['b'], ['c']])).toBeNull();
    expect(kendallTauB([['a'], ['b'], ['c']], [['c', 'a', 'b']])).toBeNull();
    expect(kendallTauB([['a', 'b']], [['b', 'a']])).toBeNull();
  });

  it('is symmetric', () => {
    const x = [['a', 'b'], ['c'], ['d']];
    const y = [['d'], ['a'], ['b', 'c']];
    expect(kendallTauB(x, y)).toBe(kendallTauB(y, x));
  });
});

describe('length outcomes', () => {
  it('buckets a pair by how many times longer the longer answer is, bounds included', () => {
    expect(lengthBucketOf(125, 100)).toBe(0); // 1.25×
    expect(lengthBucketOf(126, 100)).toBe(1);
    expect(lengthBucketOf(150, 100)).toBe(1); // 1.5×
    expect(lengthBucketOf(151, 100)).toBe(2);
    expect(lengthBucketOf(200, 100)).toBe(2); // 2×
    expect(lengthBucketOf(201, 100)).toBe(3);
    expect(lengthBucketOf(5, 0)).toBe(3); // an empty answer counts as one character
  });

  it('reports, for each untied pair of different lengths, whether the longer won', () => {
    // Ranking b > {a,c} > d with lengths a 100, b 150, c 300, d 100. Pairs in id order:
    // ab: b (150) beat a (100): longer won, 1.5× → bucket 1.
    // ac: tied, left out.  ad: same length, left out.
    // bc: b (150) beat c (300): longer lost, 2× → bucket 2.
    // bd: b (150) beat d (100): longer won, 1.5× → bucket 1.
    // cd: c (300) beat d (100): longer won, 3× → bucket 3.
    const lengths = new Map([
      ['a', 100],
      ['b', 150],
      ['c', 300],
      ['d', 100],
    ]);
    expect(lengthOutcomes([['b'], ['a', 'c'], ['d']], lengths)).toEqual([
      { longerWon: true, bucket: 1 },
      { longerWon: false, bucket: 2 },
      { longerWon: true, bucket: 1 },
      { longerWon: true, bucket: 3 },
    ]);
  });

  it('has nothing to report when all answers are as long', () => {
    expect(
      lengthOutcomes(
        [['a'], ['b'], ['c']],
        new Map([
          ['a', 7],
          ['b', 7],
          ['c', 7],
        ]),
      ),
    ).toEqual([]);
  });
});

describe('the prefers-longer mark', () => {
  it('takes 75% or more of 20 or more pairs to the longer answer', () => {
    expect(prefersLonger(0.75, 20)).toBe(true);
    expect(prefersLonger(1, 400)).toBe(true);
    expect(prefersLonger(0.7499, 20)).toBe(false);
    expect(prefersLonger(1, 19)).toBe(false);
    expect(prefersLonger(null, 0)).toBe(false);
  });
});

describe('position outcomes', () => {
  it('gives the first shown 2 of 2, the second 1 of 2 and the last 0 of 2 when submitted as shown', () => {
    expect(positionOutcomes([['x'], ['y'], ['z']], ['x', 'y', 'z'])).toEqual([
      { wins: 2, contests: 2 },
      { wins: 1, contests: 2 },
      { wins: 0, contests: 2 },
    ]);
  });

  it('counts wins by the position a candidate was shown at, not by its id', () => {
    // Shown x, y, z; ranked z > x > y.
    expect(positionOutcomes([['z'], ['x'], ['y']], ['x', 'y', 'z'])).toEqual([
      { wins: 1, contests: 2 },
      { wins: 0, contests: 2 },
      { wins: 2, contests: 2 },
    ]);
  });

  it('leaves tied pairs out of the contests', () => {
    // Shown x, y, z; ranked {x,z} > y: x beat y (x~z out), y lost both, z beat y.
    expect(positionOutcomes([['x', 'z'], ['y']], ['x', 'y', 'z'])).toEqual([
      { wins: 1, contests: 1 },
      { wins: 0, contests: 2 },
      { wins: 1, contests: 1 },
    ]);
  });
});

describe('submitted as shown', () => {
  it('is a ranking exactly in the shown order, without ties', () => {
    expect(isShownOrder([['x'], ['y'], ['z']], ['x', 'y', 'z'])).toBe(true);
    expect(isShownOrder([['y'], ['x'], ['z']], ['x', 'y', 'z'])).toBe(false);
    expect(isShownOrder([['x', 'y'], ['z']], ['x', 'y', 'z'])).toBe(false);
    expect(isShownOrder([['x'], ['yz']], ['x', 'y', 'z'])).toBe(false);
  });
});

describe('summaries', () => {
  const medianOf = (values: number[]) => {
    const durations = new Durations(1);
    for (const v of values) durations.add(v);
    return durations.median();
  };
  const meanOf = (values: Array<number | null>) => {
    const running = new RunningMean();
    for (const v of values) running.add(v);
    return running.value;
  };

  it('takes the median of an odd and an even count, and none of nothing', () => {
    expect(medianOf([5000, 800, 4000, 1000, 6000])).toBe(4000);
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
    expect(medianOf([])).toBeNull();
    expect(medianOfSorted([1, 2, 3, 4])).toBe(2.5);
  });

  it('averages only the figures that exist', () => {
    expect(meanOf([1, null, 0.5])).toBe(0.75);
    expect(meanOf([null, null])).toBeNull();
  });
});

describe('agreement among a comparison’s trainers', () => {
  it('sums pairwise agreement over every two of its rankings', () => {
    // ab: 3 of 3; ac: 0 of 3; bc: 0 of 3.
    const rankings = [
      [['a'], ['b'], ['c']],
      [['a'], ['b'], ['c']],
      [['c'], ['b'], ['a']],
    ];
    expect(agreementAmong(rankings)).toEqual({ agree: 3, pairs: 9 });
    expect(comparisonAgreement(rankings)).toBe(3 / 9);
  });

  it('has none for a comparison ranked once, or with no untied pair shared', () => {
    expect(comparisonAgreement([[['a'], ['b']]])).toBeNull();
    expect(comparisonAgreement([[['a', 'b']], [['a'], ['b']]])).toBeNull();
  });
});
