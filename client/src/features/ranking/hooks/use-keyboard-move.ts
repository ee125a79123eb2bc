import { useLayoutEffect, useRef, useState, type FocusEvent, type KeyboardEvent, type RefObject } from 'react';
import { move, restoreOrder, type Draft } from '../draft.ts';

/** The card picked up with the keyboard, and its list's order and ties to go back to on Escape. */
interface Lifted {
  id: string;
  before: Pick<Draft, 'order' | 'tiedWithAbove' | 'touched'>;
}

/** One sentence for screen readers; `n` keeps two equal sentences apart, so both are read. */
export interface Announcement {
  n: number;
  text: string;
}

const isLiftKey = (key: string) => key === ' ' || key === 'Enter';

/** The index a key sends a card at `index` of `count` to; null for a key that does not move cards. */
function destination(key: string, index: number, count: number): number | null {
  if (key === 'ArrowUp') return Math.max(index - 1, 0);
  if (key === 'ArrowDown') return Math.min(index + 1, count - 1);
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  if (/^[1-9]$/.test(key)) return Number(key) - 1;
  return null;
}

interface KeyboardMoveOptions {
  draft: Draft;
  update: (change: (draft: Draft) => Draft) => void;
  /** How announcements name a card: "Answer C". */
  name: (id: string) => string;
  /** Holds the cards, found by their data-candidate-id, each with its `.handle`. */
  container: RefObject<HTMLElement | null>;
}

/**
 * Moving cards with the keys on their handles. Each key press changes the draft's order by index
 * (draft.ts `move`), so no press is lost however fast they come; dnd-kit's keyboard sensor moved
 * by measured coordinates, which lag behind the cards. Space or Enter lifts and drops, arrows move
 * one place, Home and End to the ends, a digit to that position, Escape puts the card back.
 * Every press is announced, and the handle keeps focus and its place on screen.
 */
export function useKeyboardMove({ draft, update, name, container }: KeyboardMoveOptions) {
  const [lifted, setLifted] = useState<Lifted | null>(null);
  // What this lift has said so far: a log, so each press is read even when two say the same.
  const [announcements, setAnnouncements] = useState<Announcement[]>([]);
  // The card the last key press moved, and where its handle was on screen, to keep it there.
  const moved = useRef<{ id: string; top: number } | null>(null);
  const count = draft.order.length;

  const say = (text: string, startOver = false) => setAnnouncements((said) => [...(startOver ? [] : said), { n: (said.at(-1)?.n ?? 0) + 1, text }]);
  const at = (index: number) => `position ${index + 1} of ${count}`;

  // React may re-insert the moved card's element, which takes focus from its handle: give it back,
  // and scroll by as much as the card moved, so the list moves under it rather than it off screen.
  // After every render: a cancelled lift may leave the order as it was.
  useLayoutEffect(() => {
    if (!moved.current) return;
    const { id, top } = moved.current;
    moved.current = null;
    const handle = container.current?.querySelector<HTMLElement>(`[data-candidate-id="${CSS.escape(id)}"] .handle`);
    if (!handle) return;
    if (document.activeElement !== handle) handle.focus({ preventScroll: true });
    window.scrollBy(0, handle.getBoundingClientRect().top - top);
  });

  const onKeyDown = (id: string, event: KeyboardEvent<HTMLElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
    // A held Space would lift and drop over and over; held arrows do move on, one place per repeat.
    if (event.repeat && isLiftKey(event.key)) return event.preventDefault();
    const index = draft.order.indexOf(id);
    const drop = (text: string) => {
      event.preventDefault();
      setLifted(null);
      say(text);
    };
    if (lifted?.id !== id) {
      if (!isLiftKey(event.key)) return;
      event.preventDefault();
      setLifted({ id, before: { order: draft.order, tiedWithAbove: draft.tiedWithAbove, touched: draft.touched } });
      say(
        `Picked up ${name(id)}, at ${at(index)}. Arrow keys move it one place, Home and End to the top or bottom, a digit to that position; Space drops it, Escape puts it back.`,
        true,
      );
      return;
    }
    if (isLiftKey(event.key)) return drop(`${name(id)} dropped at ${at(index)}.`);
    if (event.key === 'Escape') {
      moved.current = { id, top: event.currentTarget.getBoundingClientRect().top };
      update((d) => restoreOrder(d, lifted.before));
      return drop(`Move cancelled. ${name(id)} went back to ${at(lifted.before.order.indexOf(id))}.`);
    }
    const to = destination(event.key, index, count);
    if (to === null) return;
    // Handled here: a digit then moves the card and does not also focus another (use-ranking-shortcuts.ts).
    event.preventDefault();
    if (to >= count) say(`There is no position ${to + 1}: there are ${count} answers.`);
    else if (to === index) say(`${name(id)} is already at ${at(index)}.`);
    else {
      moved.current = { id, top: event.currentTarget.getBoundingClientRect().top };
      update((d) => move(d, id, to));
      say(`${name(id)} moved to ${at(to)}.`);
    }
  };

  // Focus leaving the handle (Tab, a click elsewhere) drops the card where it is. React re-inserting
  // the moved card's element blurs the handle too, for a moment: by the time the microtask looks,
  // the render is done and the effect above has focused it again. Another window taking focus
  // leaves the handle the page's focused element, and the card lifted.
  const onBlur = (id: string, event: FocusEvent<HTMLElement>) => {
    if (lifted?.id !== id) return;
    const handle = event.currentTarget;
    queueMicrotask(() => {
      if (document.activeElement === handle) return;
      setLifted(null);
      say(`${name(id)} dropped at ${at(draft.order.indexOf(id))}.`);
    });
  };

  return {
    liftedId: lifted?.id ?? null,
    announcements,
    handleProps: (id: string) => ({
      onKeyDown: (event: KeyboardEvent<HTMLElement>) => onKeyDown(id, event),
      onBlur: (event: FocusEvent<HTMLElement>) => onBlur(id, event),
    }),
  };
}
