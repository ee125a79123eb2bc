// Pure rules about rankings, kept free of zod so the ranking page can use them without loading it.
import type { Flag, RatingQuestion } from './projects.ts';
import type { RankingGroups, SubmitRanking } from './rankings.ts';

/**
 * Everything wrong with a ranking for a comparison's candidates under a project's settings,
 * as readable messages. Pure, so the ranking page can check before it sends.
 */
export function rankingProblems(
  body: SubmitRanking,
  candidateIds: readonly string[],
  settings: { allowTies: boolean; ratings: RatingQuestion[]; flags: Flag[] },
): string[] {
  const problems: string[] = [];
  const known = new Set(candidateIds);
  const seen = new Set<string>();
  for (const id of body.ranking.flat()) {
    if (!known.has(id)) problems.push(`ranking: ${id} is not a candidate of this comparison`);
    else if (seen.has(id)) problems.push(`ranking: ${id} appears more than once`);
    seen.add(id);
  }
  const missing = candidateIds.filter((id) => !seen.has(id));
  if (missing.length) problems.push(`ranking: missing candidate${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  if (!settings.allowTies && body.ranking.some((g) => g.length > 1)) {
    problems.push('ranking: this project does not allow ties (every group must hold one candidate)');
  }
  const questions = new Map(settings.ratings.map((q) => [q.key, q]));
  for (const [candidate, answers] of Object.entries(body.ratings ?? {})) {
    if (!known.has(candidate)) problems.push(`ratings: ${candidate} is not a candidate of this comparison`);
    for (const [key, value] of Object.entries(answers)) {
      const q = questions.get(key);
      if (!q) problems.push(`ratings.${candidate}.${key}: this project asks no rating "${key}"`);
      else if (value < q.min || value > q.max) problems.push(`ratings.${candidate}.${key}: must be from ${q.min} to ${q.max}`);
    }
  }
  for (const { question, candidates } of missingRatings(body.ratings, candidateIds, settings.ratings)) {
    for (const candidate of candidates) problems.push(`ratings.${candidate}.${question.key}: required`);
  }
  const flagKeys = new Set(settings.flags.map((f) => f.key));
  for (const [candidate, keys] of Object.entries(body.flags ?? {})) {
    if (!known.has(candidate)) problems.push(`flags: ${candidate} is not a candidate of this comparison`);
    for (const key of keys) if (!flagKeys.has(key)) problems.push(`flags.${candidate}: this project has no flag "${key}"`);
    if (new Set(keys).size !== keys.length) problems.push(`flags.${candidate}: a flag is listed twice`);
  }
  return problems;
}

/**
 * Each required rating question that some candidates have no answer to, with those candidates in
 * `candidateIds` order; empty when nothing is missing. The ranking page names them to the trainer.
 */
export function missingRatings(
  ratings: SubmitRanking['ratings'],
  candidateIds: readonly string[],
  questions: readonly RatingQuestion[],
): Array<{ question: RatingQuestion; candidates: string[] }> {
  return questions
    .filter((q) => q.required)
    .map((question) => ({ question, candidates: candidateIds.filter((id) => ratings?.[id]?.[question.key] === undefined) }))
    .filter((missing) => missing.candidates.length > 0);
}

/** Every (better, worse) pair across groups, best groups first; tied candidates make no pair. */
export function rankingPairs(ranking: RankingGroups): Array<{ chosen: string; rejected: string; distance: number }> {
  const pairs: Array<{ chosen: string; rejected: string; distance: number }> = [];
  ranking.forEach((better, i) => {
    ranking.slice(i + 1).forEach((worse, offset) => {
      for (const chosen of better) for (const rejected of worse) pairs.push({ chosen, rejected, distance: offset + 1 });
    });
  });
  return pairs;
}

/**
 * Each candidate's rank group, best first, counted from `first`: 0 for the quality figures and the
 * consensus, 1 for the ranks the ranking page shows. The one definition of a rank position.
 */
export function rankPositions(ranking: RankingGroups, first = 0): Map<string, number> {
  const result = new Map<string, number>();
  ranking.forEach((group, g) => group.forEach((id) => result.set(id, g + first)));
  return result;
}
