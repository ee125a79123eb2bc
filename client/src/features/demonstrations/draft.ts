import type { DemonstrationMessage, Prompt } from '#shared/demonstrations.ts';

/** A turn of the dialogue being written; `key` tells turns apart while they move. */
export type Turn = DemonstrationMessage & { key: number };

export type Role = 'user' | 'assistant';
/** A model text a turn began from; the model's name is known to researchers only (the server fills it in for trainers). */
export type SuggestionSource = { content: string; model?: string };

/** The next turn as it is being written in the composer, with the suggestion it began from, if any. */
export interface Composing {
  text: string;
  from?: SuggestionSource;
}

/** A demonstration in progress, kept in localStorage per user and project so a reload loses nothing. */
export interface DemonstrationDraft {
  system: string;
  turns: Turn[];
  promptId?: string;
  /** How many turns at the start came from the project prompt (they stay as they are). */
  fixed: number;
  /** Absent when the composer is empty, and in drafts stored before the composer was kept. */
  composing?: Composing;
}

/** What a turn records of the suggestion it began from. */
export const suggestionSource = (s: SuggestionSource): SuggestionSource => ({ content: s.content, ...(s.model ? { model: s.model } : {}) });

export const emptyDraft: DemonstrationDraft = { system: '', turns: [], fixed: 0 };

let lastKey = Date.now();
const newKey = () => ++lastKey;

/** The dialogue as the API takes it: the system prompt first, if there is one. */
export const messagesOf = (draft: DemonstrationDraft): DemonstrationMessage[] => [
  ...(draft.system.trim() ? [{ role: 'system' as const, content: draft.system.trim() }] : []),
  ...draft.turns.map(({ key: _key, ...message }) => message),
];

/**
 * Why the dialogue cannot be sent yet, in the trainer's words: the API's own checks
 * (`submitDemonstrationSchema`) on `draft`, its turns numbered as the page shows them.
 */
export function submitProblems(draft: DemonstrationDraft, issues: ReadonlyArray<{ path: PropertyKey[]; code: string; message: string }>): string[] {
  const beforeTurns = messagesOf(draft).length - draft.turns.length;
  const words = issues.map(({ path, code, message }) => {
    if (path[0] !== 'messages') return message;
    if (path.length === 1) {
      return code === 'too_big'
        ? 'The dialogue is too long: delete some turns, then submit.'
        : 'End with an assistant turn: write the assistant’s reply, then submit.';
    }
    const index = Number(path[1]) - beforeTurns;
    const what = index < 0 ? 'The system prompt' : `Turn ${index + 1}`;
    if (path.length === 2) return `${what} is out of place: the user and the assistant take turns, the user first. Move or delete it.`;
    if (code === 'too_small') return `${what} is empty: write it or delete it.`;
    return `${what}: ${message}.`;
  });
  return [...new Set(words)];
}

/** Turns alternate, the user first. */
export const nextRole = (draft: DemonstrationDraft): Role => (draft.turns.length % 2 === 0 ? 'user' : 'assistant');

/** A fresh dialogue from a project prompt: its system message and turns stay as they are. */
export function fromPrompt(prompt: Prompt): DemonstrationDraft {
  const system = prompt.messages[0]?.role === 'system' ? prompt.messages[0].content : '';
  const turns = prompt.messages.filter((m) => m.role !== 'system').map((m) => ({ ...m, key: newKey() }));
  return { system, turns, promptId: prompt.id, fixed: turns.length };
}

/** Adds the next turn, remembering the suggestion it began from, if any. */
export const addTurn = (draft: DemonstrationDraft, content: string, suggestion?: SuggestionSource): DemonstrationDraft => ({
  ...draft,
  turns: [...draft.turns, { key: newKey(), role: nextRole(draft), content, ...(suggestion ? { suggestion } : {}) }],
});

export const compose = (draft: DemonstrationDraft, composing: Composing): DemonstrationDraft => ({ ...draft, composing });

/** The composer's text becomes the next turn and the composer is empty again; a blank composer changes nothing. */
export function addComposed(draft: DemonstrationDraft): DemonstrationDraft {
  const { composing, ...rest } = draft;
  const text = composing?.text.trim();
  return text ? addTurn(rest, text, composing!.from) : draft;
}

export const editTurn = (draft: DemonstrationDraft, key: number, content: string): DemonstrationDraft => ({
  ...draft,
  turns: draft.turns.map((t) => (t.key === key ? { ...t, content } : t)),
});

export const deleteTurn = (draft: DemonstrationDraft, key: number): DemonstrationDraft => ({ ...draft, turns: draft.turns.filter((t) => t.key !== key) });

export function moveTurn(draft: DemonstrationDraft, index: number, by: number): DemonstrationDraft {
  const turns = [...draft.turns];
  const [turn] = turns.splice(index, 1);
  turns.splice(index + by, 0, turn!);
  return { ...draft, turns };
}

export const setSystem = (draft: DemonstrationDraft, system: string): DemonstrationDraft => ({ ...draft, system });

const storageKey = (user: string, slug: string) => `ordinal:demonstration:${user}:${slug}`;

export function loadDraft(user: string, slug: string): DemonstrationDraft {
  try {
    return (JSON.parse(localStorage.getItem(storageKey(user, slug)) ?? 'null') as DemonstrationDraft | null) ?? emptyDraft;
  } catch {
    return emptyDraft;
  }
}

export function saveDraft(user: string, slug: string, draft: DemonstrationDraft) {
  localStorage.setItem(storageKey(user, slug), JSON.stringify(draft));
}
