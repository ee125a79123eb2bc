import { useCallback, useEffect, useEffectEvent, useRef } from 'react';

/**
 * Time on task: counted while the page is visible, on top of `spentBefore` (a reloaded draft's).
 * Returns a stable function reading the time so far; `onHidden` hears it each time the page is
 * hidden, the moment a draft is worth saving (a closed tab is hidden first).
 */
export function useTimeOnTask(spentBefore: number, onHidden: (elapsedMs: number) => void) {
  const spent = useRef(spentBefore);
  const shownAt = useRef(0);
  const hidden = useEffectEvent(onHidden);

  useEffect(() => {
    shownAt.current = performance.now();
    const onVisibility = () => {
      if (document.hidden) {
        spent.current += performance.now() - shownAt.current;
        hidden(spent.current);
      }
      shownAt.current = performance.now();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, []);

  return useCallback(() => spent.current + (document.hidden ? 0 : performance.now() - shownAt.current), []);
}
