import { lettersExplained } from '#shared/answer-labels.ts';

/**
 * Under a trainer's own words (a note, a skip reason), what the answer letters they use mean on
 * the researcher's pages: "D as shown to alice = answer C". Nothing when they use none.
 */
export function TheirLetters({ text, shownOrder, annotator }: { text: string; shownOrder: string[]; annotator: string }) {
  const lines = lettersExplained(text, shownOrder, annotator);
  return lines.length ? <div className="muted small">{lines.join(' · ')}</div> : null;
}
