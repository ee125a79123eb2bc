import { rankPositions } from '#shared/ranking-rules.ts';
import type { RankingGroups, SubmitRanking } from '#shared/rankings.ts';

/**
 * A ranking in progress: candidate ids best first, and which of them are tied with the one
 * above. Kept in localStorage per user and comparison so a reload loses nothing.
 */
export interface Draft {
  order: string[];
  tiedWithAbove: string[];
  ratings: Record<string, Record<string, number>>;
  flags: Record<string, string[]>;
  note: string;
  /** Time spent on this comparison before the current page view. */
  elapsedMs: number;
  /** Whether the trainer has changed the order or a tie: the shown order needs confirming otherwise. */
  touched: boolean;
  /** For a change to a submitted ranking: the revision it started from (a draft of any other is stale). */
  revising?: number;
}

export const newDraft = (shownOrder: string[]): Draft => ({
  order: shownOrder,
  tiedWithAbove: [],
  ratings: {},
  flags: {},
  note: '',
  elapsedMs: 0,
  touched: false,
});

/** Groups best first: a candidate tied with the one above joins its group. */
export function toGroups(draft: Pick<Draft, 'order' | 'tiedWithAbove'>): RankingGroups {
  const tied = new Set(draft.tiedWithAbove);
  const groups: RankingGroups = [];
  draft.order.forEach((id, i) => {
    if (i > 0 && tied.has(id)) groups.at(-1)!.push(id);
    else groups.push([id]);
  });
  return groups;
}

/** The rank shown on each card: its group's position, counted from 1. */
export const ranks = (draft: Pick<Draft, 'order' | 'tiedWithAbove'>): Map<string, number> => rankPositions(toGroups(draft), 1);

/** What the page sends: the note trimmed (left out when empty), the time on task in whole milliseconds. */
export const toSubmission = (draft: Draft, elapsedMs: number): SubmitRanking => ({
  ranking: toGroups(draft),
  ratings: draft.ratings,
  flags: draft.flags,
  note: draft.note.trim() || undefined,
  durationMs: Math.round(elapsedMs),
});

const key = (user: string, comparisonId: string) => `ordinal:draft:${user}:${comparisonId}`;

export function loadDraft(user: string, comparisonId: string, candidateIds: string[]): Draft | null {
  try {
    const raw = localStorage.getItem(key(user, comparisonId));
    if (!raw) return null;
    const draft = JSON.parse(raw) as Draft;
    // A draft for other candidates (the data changed) is useless: start over.
    const same = draft.order.length === candidateIds.length && candidateIds.every((id) => draft.order.includes(id));
    return same ? draft : null;
  } catch {
    return null;
  }
}

export function saveDraft(user: string, comparisonId: string, draft: Draft) {
  try {
    localStorage.setItem(key(user, comparisonId), JSON.stringify(draft));
  } catch {
    /* storage full or disabled: the draft only lives in memory */
  }
}

export function clearDraft(user: string, comparisonId: string) {
  try {
    localStorage.removeItem(key(user, comparisonId));
  } catch {
    /* nothing to clear */
  }
}

/**
 * Moves a candidate to a new index. Ties next to the old and new places are undone: a tie means
 * "same as the card above", and those cards now have a different card above them.
 */
export function move(draft: Draft, id: string, toIndex: number): Draft {
  const from = draft.order.indexOf(id);
  if (from === -1 || from === toIndex) return draft;
  const order = draft.order.filter((x) => x !== id);
  order.splice(toIndex, 0, id);
  const untie = new Set([id, draft.order[from + 1], order[toIndex + 1]]);
  return { ...draft, order, tiedWithAbove: draft.tiedWithAbove.filter((x) => !untie.has(x)), touched: true };
}

/** Puts back the order and ties as they were before a move that is cancelled, and whether they had been touched then. */
export const restoreOrder = (draft: Draft, before: Pick<Draft, 'order' | 'tiedWithAbove' | 'touched'>): Draft => ({
  ...draft,
  order: before.order,
  tiedWithAbove: before.tiedWithAbove,
  touched: before.touched,
});

export function toggleTie(draft: Draft, id: string): Draft {
  const tied = draft.tiedWithAbove.includes(id);
  return {
    ...draft,
    tiedWithAbove: tied ? draft.tiedWithAbove.filter((x) => x !== id) : [...draft.tiedWithAbove, id],
    touched: true,
  };
}

/** Sets a candidate's answer to a rating question; `undefined` takes it back. */
export function rate(draft: Draft, id: string, key: string, value: number | undefined): Draft {
  const { [key]: _previous, ...others } = draft.ratings[id] ?? {};
  return { ...draft, ratings: { ...draft.ratings, [id]: value === undefined ? others : { ...others, [key]: value } } };
}

/** Raises a flag on a candidate, or lowers it if it is raised. */
export function toggleFlag(draft: Draft, id: string, key: string): Draft {
  const mine = draft.flags[id] ?? [];
  return { ...draft, flags: { ...draft.flags, [id]: mine.includes(key) ? mine.filter((k) => k !== key) : [...mine, key] } };
}

export const setNote = (draft: Draft, note: string): Draft => ({ ...draft, note });
