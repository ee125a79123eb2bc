import { describe, expect, it } from 'vitest';
import { submitDemonstrationSchema } from '#shared/demonstrations.ts';
import {
  addComposed,
  addTurn,
  compose,
  deleteTurn,
  editTurn,
  emptyDraft,
  fromPrompt,
  messagesOf,
  moveTurn,
  nextRole,
  submitProblems,
  suggestionSource,
  type DemonstrationDraft,
} from '../client/src/features/demonstrations/draft.ts';

// The demonstration editor's changes to its dialogue, as the pure functions the page applies.

describe('a demonstration draft', () => {
  it('alternates the turns, the user first, and remembers the suggestion a turn began from', () => {
    let draft = addTurn(emptyDraft, 'Hi?');
    expect(nextRole(draft)).toBe('assistant');
    draft = addTurn(draft, 'Hello.', { content: 'Hello!' });
    expect(nextRole(draft)).toBe('user');
    expect(draft.turns.map(({ role, content, suggestion }) => ({ role, content, suggestion }))).toEqual([
      { role: 'user', content: 'Hi?', suggestion: undefined },
      { role: 'assistant', content: 'Hello.', suggestion: { content: 'Hello!' } },
    ]);
    expect(new Set(draft.turns.map((t) => t.key)).size).toBe(2);
  });

  it('is sent with the trimmed system prompt first, and without it when blank', () => {
    const draft = addTurn(addTurn({ ...emptyDraft, system: '  Be brief. ' }, 'Q'), 'A');
    expect(messagesOf(draft)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Q' },
      { role: 'assistant', content: 'A' },
    ]);
    expect(messagesOf({ ...draft, system: '  ' })[0]).toEqual({ role: 'user', content: 'Q' });
  });

  it('starts from a project prompt whose turns stay fixed and whose system message becomes the system prompt', () => {
    const draft = fromPrompt({
      id: '7',
      messages: [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'U' },
      ],
    });
    expect(draft).toMatchObject({ system: 'S', promptId: '7', fixed: 1 });
    expect(draft.turns.map((t) => t.content)).toEqual(['U']);
  });

  it('edits, moves and deletes one turn by its key', () => {
    let draft = addTurn(addTurn(addTurn(emptyDraft, 'one'), 'two'), 'three');
    const [a, b, c] = draft.turns.map((t) => t.key);
    draft = editTurn(draft, b!, 'TWO');
    draft = moveTurn(draft, 2, -1);
    expect(draft.turns.map((t) => [t.key, t.content])).toEqual([
      [a, 'one'],
      [c, 'three'],
      [b, 'TWO'],
    ]);
    expect(deleteTurn(draft, c!).turns.map((t) => t.key)).toEqual([a, b]);
  });

  it('records of a suggestion only its text and, where known, its model', () => {
    const shown = { content: 'x', state: 'ready' as const };
    expect(suggestionSource(shown)).toEqual({ content: 'x' });
    expect(suggestionSource({ content: 'x', model: 'm' })).toEqual({ content: 'x', model: 'm' });
  });

  it('turns the message in the composer into the next turn, with the suggestion it began from, and empties the composer', () => {
    const draft = compose(addTurn(emptyDraft, 'Q'), { text: '  A, edited \n', from: { content: 'A' } });
    const added = addComposed(draft);
    expect(added.composing).toBeUndefined();
    expect(added.turns.map(({ role, content, suggestion }) => ({ role, content, suggestion }))).toEqual([
      { role: 'user', content: 'Q', suggestion: undefined },
      { role: 'assistant', content: 'A, edited', suggestion: { content: 'A' } },
    ]);
    const blank = compose(draft, { text: '  ' });
    expect(addComposed(blank)).toBe(blank);
  });

  it('says what keeps a dialogue from being sent in the trainer’s words, turns numbered as the page shows them', () => {
    const problemsOf = (draft: DemonstrationDraft) => {
      const parsed = submitDemonstrationSchema.safeParse({ messages: messagesOf(draft) });
      return parsed.success ? [] : submitProblems(draft, parsed.error.issues);
    };
    const prompt = fromPrompt({
      id: '1',
      messages: [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'U' },
      ],
    });
    expect(problemsOf(prompt)).toEqual(['End with an assistant turn: write the assistant’s reply, then submit.']);
    const swapped = moveTurn(addTurn(addTurn(addTurn(prompt, 'A'), 'U2'), 'A2'), 2, 1);
    // User, assistant, assistant, user: the third is out of place, and the user speaks last.
    expect(problemsOf(swapped)).toEqual([
      'Turn 3 is out of place: the user and the assistant take turns, the user first. Move or delete it.',
      'End with an assistant turn: write the assistant’s reply, then submit.',
    ]);
    const emptied = addTurn(prompt, 'A');
    expect(problemsOf(editTurn(emptied, emptied.turns[1]!.key, ''))).toEqual(['Turn 2 is empty: write it or delete it.']);
  });
});
