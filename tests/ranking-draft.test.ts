import { describe, expect, it } from 'vitest';
import { move, newDraft, rate, ranks, setNote, toGroups, toggleFlag, toggleTie, toSubmission } from '../client/src/features/ranking/draft.ts';

// The ranking page's state changes, as the pure functions the page applies to its draft.

describe('a ranking draft', () => {
  it('starts in the shown order, untouched, with nothing rated, flagged or noted', () => {
    expect(newDraft(['a', 'b', 'c'])).toEqual({ order: ['a', 'b', 'c'], tiedWithAbove: [], ratings: {}, flags: {}, note: '', elapsedMs: 0, touched: false });
  });

  it('shows ranks counted from 1, a tied card sharing the rank of the card above', () => {
    const draft = toggleTie(newDraft(['a', 'b', 'c', 'd']), 'c');
    expect(toGroups(draft)).toEqual([['a'], ['b', 'c'], ['d']]);
    expect([...ranks(draft)]).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 2],
      ['d', 3],
    ]);
  });

  it('a tie ticked on the first card joins nothing', () => {
    expect(toGroups(toggleTie(newDraft(['a', 'b']), 'a'))).toEqual([['a'], ['b']]);
  });

  it('moving a card marks the draft touched and undoes the ties around its old and new places', () => {
    let draft = toggleTie(toggleTie(newDraft(['a', 'b', 'c', 'd']), 'b'), 'd');
    draft = { ...draft, touched: false };
    const moved = move(draft, 'd', 0);
    expect(moved.order).toEqual(['d', 'a', 'b', 'c']);
    expect(moved.touched).toBe(true);
    // d left its tie behind, and a now has d above it; b is still tied with a.
    expect(moved.tiedWithAbove).toEqual(['b']);
    expect(move(draft, 'b', 1)).toBe(draft);
  });

  it('a rating is set, changed and taken back for one candidate and one question, leaving the others as they were', () => {
    let draft = newDraft(['a', 'b']);
    draft = rate(draft, 'a', 'helpful', 4);
    draft = rate(draft, 'a', 'honest', 2);
    draft = rate(draft, 'b', 'helpful', 1);
    expect(draft.ratings).toEqual({ a: { helpful: 4, honest: 2 }, b: { helpful: 1 } });
    draft = rate(draft, 'a', 'helpful', 5);
    expect(draft.ratings).toEqual({ a: { helpful: 5, honest: 2 }, b: { helpful: 1 } });
    draft = rate(draft, 'a', 'helpful', undefined);
    expect(draft.ratings).toEqual({ a: { honest: 2 }, b: { helpful: 1 } });
  });

  it('rating or flagging does not count as touching the order', () => {
    const draft = toggleFlag(rate(newDraft(['a', 'b']), 'a', 'helpful', 3), 'b', 'unsafe');
    expect(draft.touched).toBe(false);
  });

  it('a flag is raised and lowered per candidate, keeping the order it was raised in', () => {
    let draft = newDraft(['a', 'b']);
    draft = toggleFlag(draft, 'b', 'made_up');
    draft = toggleFlag(draft, 'b', 'unsafe');
    draft = toggleFlag(draft, 'a', 'unsafe');
    expect(draft.flags).toEqual({ a: ['unsafe'], b: ['made_up', 'unsafe'] });
    draft = toggleFlag(draft, 'b', 'made_up');
    expect(draft.flags).toEqual({ a: ['unsafe'], b: ['unsafe'] });
  });

  it('changes never alter the draft they are given', () => {
    const draft = newDraft(['a', 'b']);
    const before = structuredClone(draft);
    rate(draft, 'a', 'helpful', 3);
    toggleFlag(draft, 'a', 'unsafe');
    toggleTie(draft, 'b');
    move(draft, 'b', 0);
    setNote(draft, 'x');
    expect(draft).toEqual(before);
  });

  it('is sent as groups with its ratings and flags, the note trimmed (or left out when blank) and the time in whole milliseconds', () => {
    const draft = setNote(rate(toggleTie(newDraft(['a', 'b', 'c']), 'c'), 'a', 'helpful', 4), '  B invents a citation. ');
    expect(toSubmission(draft, 1234.6)).toEqual({
      ranking: [['a'], ['b', 'c']],
      ratings: { a: { helpful: 4 } },
      flags: {},
      note: 'B invents a citation.',
      durationMs: 1235,
    });
    expect(toSubmission(setNote(draft, '   '), 10).note).toBeUndefined();
  });
});
