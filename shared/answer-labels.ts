// How answers are named, the one rule for every page: kept free of zod so the trainer's ranking page
// can use it without loading it (decision 0003).
import type { RankingGroups } from './rankings.ts';

/** The letter of the answer at `index` (0 = A) of a list of answers. */
export const candidateLabel = (index: number) => 'ABCDEFGHI'[index] ?? String(index + 1);

/** Labels by position: the first id is A, the next B… */
const labelsInOrder = (ids: readonly string[]) => new Map(ids.map((id, i) => [id, candidateLabel(i)]));

/**
 * The researcher's names for a comparison's answers: A, B, C… in candidate id order, which is the
 * order of the import line's completions. Any list of the comparison's candidate ids will do (a
 * trainer's shown order holds them all), so every page that names an answer names it the same.
 */
export const answerLabels = (candidateIds: readonly string[]) => labelsInOrder([...candidateIds].sort((a, b) => Number(a) - Number(b)));

/** A trainer's names for the answers: A, B, C… in the order that trainer was shown them, as the ranking page called them. */
export const shownLabels = (shownOrder: readonly string[]) => labelsInOrder(shownOrder);

/** A ranking in labels, best first: "B > A = C" (a tie joined by "="). */
export const formatOrder = (ranking: RankingGroups, labels: ReadonlyMap<string, string>) =>
  ranking.map((group) => group.map((id) => labels.get(id) ?? id).join(' = ')).join(' > ');

/**
 * A ranking typed in labels, as formatOrder writes it ("B > A = C"; commas also tie), back to
 * candidate ids; or what is wrong with it, in plain words.
 */
export function parseOrder(text: string, labels: ReadonlyMap<string, string>): { ranking: RankingGroups } | { problem: string } {
  const idOf = new Map([...labels].map(([id, label]) => [label, id]));
  const all = [...idOf.keys()].join(', ');
  const seen = new Set<string>();
  const ranking: RankingGroups = [];
  for (const part of text.split('>')) {
    const group = part
      .split(/[=,\s]+/)
      .filter(Boolean)
      .map((label) => label.toUpperCase());
    if (group.length === 0) return { problem: `Write the answers best first, like ${[...idOf.keys()].join(' > ')}: a ">" has nothing on one side.` };
    for (const label of group) {
      if (!idOf.has(label)) return { problem: `${label} is not one of this comparison’s answers (${all}).` };
      if (seen.has(label)) return { problem: `${label} is written twice; name each answer once.` };
      seen.add(label);
    }
    ranking.push(group.map((label) => idOf.get(label)!));
  }
  const missing = [...idOf.keys()].filter((label) => !seen.has(label));
  if (missing.length) return { problem: `Place every answer: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing.` };
  return { ranking };
}

/** "D as shown to alice = answer C": a trainer's letter for an answer beside the researcher's. */
export const bothNames = (candidateId: string, shownOrder: readonly string[], annotator: string) =>
  `${shownLabels(shownOrder).get(candidateId) ?? candidateId} as shown to ${annotator} = answer ${answerLabels(shownOrder).get(candidateId) ?? candidateId}`;

/**
 * What a trainer's own words (a note, a skip reason) mean by the letters they use: for each
 * answer letter standing alone in the text ("Answer D is wrong"), its name on the researcher's
 * pages. A capital "A" or "I" that is only a word is given too: one line more, never a wrong name.
 */
export function lettersExplained(text: string, shownOrder: readonly string[], annotator: string): string[] {
  const mentioned = new Set([...text.matchAll(/\b([A-I])\b/g)].map((m) => m[1]!));
  return shownOrder.filter((id, i) => mentioned.has(candidateLabel(i))).map((id) => bothNames(id, shownOrder, annotator));
}
