import { describe, expect, it } from 'vitest';
import type { Flag, RatingQuestion } from './projects.ts';
import { missingRatings, rankingPairs, rankingProblems } from './ranking-rules.ts';
import type { SubmitRanking } from './rankings.ts';

describe('rankingPairs', () => {
  it('turns a 4-way ranking without ties into its 6 pairs, best candidates first', () => {
    expect(rankingPairs([['a'], ['b'], ['c'], ['d']])).toEqual([
      { chosen: 'a', rejected: 'b', distance: 1 },
      { chosen: 'a', rejected: 'c', distance: 2 },
      { chosen: 'a', rejected: 'd', distance: 3 },
      { chosen: 'b', rejected: 'c', distance: 1 },
      { chosen: 'b', rejected: 'd', distance: 2 },
      { chosen: 'c', rejected: 'd', distance: 1 },
    ]);
  });

  it('gives K(K-1)/2 pairs for every K from 2 to 9 when nothing is tied', () => {
    for (let k = 2; k <= 9; k++) {
      const ranking = Array.from({ length: k }, (_, i) => [`c${i}`]);
      expect(rankingPairs(ranking)).toHaveLength((k * (k - 1)) / 2);
    }
  });

  it('makes no pair between tied candidates, and measures distance in groups', () => {
    expect(rankingPairs([['a'], ['b', 'c'], ['d']])).toEqual([
      { chosen: 'a', rejected: 'b', distance: 1 },
      { chosen: 'a', rejected: 'c', distance: 1 },
      { chosen: 'a', rejected: 'd', distance: 2 },
      { chosen: 'b', rejected: 'd', distance: 1 },
      { chosen: 'c', rejected: 'd', distance: 1 },
    ]);
  });

  it('pairs every member of a tied top group with every member of a tied bottom group', () => {
    expect(
      rankingPairs([
        ['a', 'b'],
        ['c', 'd'],
      ]),
    ).toEqual([
      { chosen: 'a', rejected: 'c', distance: 1 },
      { chosen: 'a', rejected: 'd', distance: 1 },
      { chosen: 'b', rejected: 'c', distance: 1 },
      { chosen: 'b', rejected: 'd', distance: 1 },
    ]);
  });

  it('gives no pair at all when every candidate is tied', () => {
    expect(rankingPairs([['a', 'b', 'c']])).toEqual([]);
  });
});

describe('rankingProblems', () => {
  const candidates = ['1', '2', '3'];
  const ratings: RatingQuestion[] = [
    { key: 'overall', label: 'Overall', min: 1, max: 7, required: false },
    { key: 'honest', label: 'Honest', min: 0, max: 2, required: true },
  ];
  const flags: Flag[] = [
    { key: 'hallucination', label: 'Makes things up' },
    { key: 'harmful_advice', label: 'Gives harmful advice' },
  ];
  const noQuestions = { allowTies: false, ratings: [], flags };
  const check = (body: SubmitRanking, settings: Parameters<typeof rankingProblems>[2] = noQuestions) => rankingProblems(body, candidates, settings);

  it('accepts a complete ranking of exactly the comparison’s candidates', () => {
    expect(check({ ranking: [['2'], ['3'], ['1']] })).toEqual([]);
  });

  it('accepts ties only where the project allows them', () => {
    const tied = { ranking: [['2', '3'], ['1']] };
    expect(check(tied, { ...noQuestions, allowTies: true })).toEqual([]);
    expect(check(tied)).toEqual(['ranking: this project does not allow ties (every group must hold one candidate)']);
  });

  it('names a candidate that is not part of the comparison', () => {
    expect(check({ ranking: [['1'], ['2'], ['3'], ['99']] })).toEqual(['ranking: 99 is not a candidate of this comparison']);
  });

  it('names a candidate ranked twice', () => {
    expect(check({ ranking: [['1'], ['2'], ['3'], ['2']] })).toEqual(['ranking: 2 appears more than once']);
  });

  it('names the candidates left out, in the singular and the plural', () => {
    expect(check({ ranking: [['1'], ['2']] })).toEqual(['ranking: missing candidate 3']);
    expect(check({ ranking: [['2']] })).toEqual(['ranking: missing candidates 1, 3']);
  });

  it('checks ratings against the project’s questions and their scales', () => {
    const settings = { allowTies: false, ratings, flags };
    const ranking = [['1'], ['2'], ['3']];
    const allHonest = { 1: { honest: 1 }, 2: { honest: 1 }, 3: { honest: 1 } };
    expect(check({ ranking, ratings: { ...allHonest, 1: { honest: 2, overall: 7 } } }, settings)).toEqual([]);
    expect(check({ ranking, ratings: { ...allHonest, 1: { honest: 1, overall: 8 } } }, settings)).toEqual(['ratings.1.overall: must be from 1 to 7']);
    expect(check({ ranking, ratings: { ...allHonest, 2: { honest: 1, funny: 3 } } }, settings)).toEqual([
      'ratings.2.funny: this project asks no rating "funny"',
    ]);
    expect(check({ ranking, ratings: { ...allHonest, 7: { honest: 1 } } }, settings)).toEqual(['ratings: 7 is not a candidate of this comparison']);
  });

  it('requires a required rating on every candidate', () => {
    const settings = { allowTies: false, ratings, flags };
    expect(check({ ranking: [['1'], ['2'], ['3']], ratings: { 2: { honest: 0 } } }, settings)).toEqual([
      'ratings.1.honest: required',
      'ratings.3.honest: required',
    ]);
    expect(check({ ranking: [['1'], ['2'], ['3']] }, settings)).toHaveLength(3);
  });

  it('lists, per required question, the candidates still unrated, and nothing once all are rated', () => {
    expect(missingRatings({ 2: { honest: 0, overall: 3 } }, candidates, ratings)).toEqual([{ question: ratings[1], candidates: ['1', '3'] }]);
    expect(missingRatings({ 1: { honest: 1 }, 2: { honest: 0 }, 3: { honest: 2 } }, candidates, ratings)).toEqual([]);
  });

  it('checks flags against the project’s flags, once each, on candidates of the comparison', () => {
    const ranking = [['1'], ['2'], ['3']];
    expect(check({ ranking, flags: { 3: ['hallucination', 'harmful_advice'] } })).toEqual([]);
    expect(check({ ranking, flags: { 3: ['rude'] } })).toEqual(['flags.3: this project has no flag "rude"']);
    expect(check({ ranking, flags: { 3: ['hallucination', 'hallucination'] } })).toEqual(['flags.3: a flag is listed twice']);
    expect(check({ ranking, flags: { 8: ['hallucination'] } })).toEqual(['flags: 8 is not a candidate of this comparison']);
  });

  it('reports every problem at once', () => {
    expect(check({ ranking: [['1', '4']], flags: { 1: ['rude'] } })).toEqual([
      'ranking: 4 is not a candidate of this comparison',
      'ranking: missing candidates 2, 3',
      'ranking: this project does not allow ties (every group must hold one candidate)',
      'flags.1: this project has no flag "rude"',
    ]);
  });
});
