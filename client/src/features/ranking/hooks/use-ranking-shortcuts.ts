import { useEffect, useEffectEvent } from 'react';

export interface RankingShortcuts {
  /** A dialog is open: its own keys hold (Ctrl/⌘+Enter in the skip reason sends the skip, not the ranking). */
  paused: boolean;
  submit: () => void;
  skip: () => void;
  help: () => void;
  /** Focuses the card at this position (1-based); false when there is none. */
  focusPosition: (position: number) => boolean;
}

const typingIn = (target: EventTarget | null) =>
  target instanceof HTMLElement && target.closest('input:not([type=radio], [type=checkbox]), textarea, select, [contenteditable]') !== null;

/**
 * The ranking page's keys, on one listener for as long as the page shows a comparison; each key
 * press reads the current render's handlers. Typing in a field is never taken for a shortcut, nor
 * a key the focused control has handled.
 */
export function useRankingShortcuts(shortcuts: RankingShortcuts) {
  const onKey = useEffectEvent((event: KeyboardEvent) => {
    // Taken by the focused control already: a digit moves a lifted card (use-keyboard-move.ts) and focuses nothing.
    if (event.defaultPrevented || shortcuts.paused) return;
    if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
      event.preventDefault();
      shortcuts.submit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) return;
    if (/^[1-9]$/.test(event.key)) {
      if (shortcuts.focusPosition(Number(event.key))) event.preventDefault();
    } else if (event.key === 's' || event.key === 'S') {
      event.preventDefault();
      shortcuts.skip();
    } else if (event.key === '?') {
      event.preventDefault();
      shortcuts.help();
    }
  });

  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
}
