import { useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import './collapsible.css';

/** A long text is folded to this height; one only a little taller is shown whole, as folding it would hide next to nothing. */
const FOLDED_HEIGHT = 320;
const WORTH_FOLDING = FOLDED_HEIGHT + 40;

/**
 * Content folded to 320 px, with "Show all", once it is longer. Measured again whenever it changes
 * size, as math and highlighted code render after the text (components/Markdown.tsx).
 */
export function Collapsible({ children }: { children: ReactNode }) {
  const content = useRef<HTMLDivElement>(null);
  const [long, setLong] = useState(false);
  const [expanded, setExpanded] = useState(false);
  const id = useId();

  useLayoutEffect(() => {
    const element = content.current!;
    const measure = () => setLong(element.offsetHeight > WORTH_FOLDING);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const folded = long && !expanded;
  return (
    <>
      <div id={id} className={`collapsible${folded ? ' folded' : ''}`} style={folded ? { maxHeight: FOLDED_HEIGHT } : undefined}>
        <div ref={content}>{children}</div>
      </div>
      {long && (
        <button type="button" className="link" onClick={() => setExpanded(!expanded)} aria-expanded={expanded} aria-controls={id}>
          {expanded ? 'Show less' : 'Show all'}
        </button>
      )}
    </>
  );
}
