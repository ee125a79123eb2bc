import { useEffect, useId, useRef, useState } from 'react';
import './secret-value.css';

/**
 * A secret shown once: read-only, focused and selected when it appears, with a copy button that says whether it worked.
 * The focus waits a frame because a parent <Dialog> opens in its own effect, after this one runs.
 */
export function SecretValue({ label, value }: { label: string; value: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<null | 'yes' | 'no'>(null);

  useEffect(() => {
    const frame = requestAnimationFrame(() => input.current?.focus());
    return () => cancelAnimationFrame(frame);
  }, []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  };

  return (
    <div className="secret">
      <label htmlFor={id}>{label}</label>
      <div className="secret-row">
        <input ref={input} id={id} readOnly value={value} spellCheck={false} autoComplete="off" onFocus={(e) => e.target.select()} />
        <button type="button" onClick={() => void copy()}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p role="status" className="muted">
        {copied === 'yes' && 'Copied to the clipboard.'}
        {copied === 'no' && 'The browser did not allow copying: select the text above and copy it by hand.'}
      </p>
    </div>
  );
}
