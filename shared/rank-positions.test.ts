import { describe, expect, it } from 'vitest';
import { rankedPairs } from './consensus.ts';
import { goldScore, ProjectTally, TrainerTally, type RankedComparison } from './quality.ts';
import { rankPositions } from './ranking-rules.ts';

describe('rank positions', () => {
  it('gives each candidate its group, best first, tied candidates the same', () => {
    expect([...rankPositions([['b'], ['a', 'c'], ['d']])]).toEqual([
      ['b', 0],
      ['a', 1],
      ['c', 1],
      ['d', 2],
    ]);
  });

  it('counts from 1 for the ranks the ranking page shows', () => {
    expect(Object.fromEntries(rankPositions([['b'], ['a', 'c']], 1))).toEqual({ b: 1, a: 2, c: 2 });
  });

  it('are what gold accuracy and the consensus read', () => {
    // A tie where gold has an order is wrong.
    expect(goldScore([['a', 'b'], ['c']], [['a'], ['b'], ['c']])).toEqual({ correct: 2, pairs: 3 });
    expect(rankedPairs(['a', 'b', 'c'], [[['c'], ['a', 'b']]]).ranking).toEqual([['c'], ['a', 'b']]);
  });
});

describe('a project’s figures', () => {
  const comparison = (answers: Array<[userId: number, ranking: string[][]]>): RankedComparison => ({
    gold: null,
    lengths: new Map([
      ['a', 10],
      ['b', 20],
      ['c', 40],
    ]),
    answers: answers.map(([userId, ranking]) => ({ userId, ranking, shownOrder: ['a', 'b', 'c'], durationMs: 1000 * userId, createdAt: 0 })),
  });

  it('list each trainer with the figures their own tally gives', () => {
    const comparisons = [
      comparison([
        [1, [['a'], ['b'], ['c']]],
        [2, [['c'], ['b'], ['a']]],
      ]),
      comparison([
        [2, [['a'], ['b', 'c']]],
        [3, [['a'], ['b'], ['c']]],
      ]),
    ];
    const project = new ProjectTally();
    for (const c of comparisons) project.add(c);
    const stats = project.figures('p', { comparisons: 2, completed: 2, rankings: 4, gold: 0 }, 2000, (id) => `t${id}`);
    const alone = new TrainerTally();
    for (const c of comparisons) for (const answer of c.answers) if (answer.userId === 2) alone.add(answer, c);
    expect(stats.trainers.find((t) => t.username === 't2')).toEqual(alone.figures('t2', 500));
    expect(stats.agreement).toMatchObject({ comparisons: 2, rankingPairs: 2 });
    expect(stats.time).toEqual({ medianMs: 2000, fastThresholdMs: 500 });
  });
});
