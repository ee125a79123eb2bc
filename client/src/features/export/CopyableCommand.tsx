import { useRef, useState } from 'react';

/**
 * A command in a box that wraps long lines, with a button that copies it whole. Over plain http
 * (a server on the lab's network) the browser offers no clipboard API, so the box's text is
 * selected and copied the old way; if even that is refused, the page says to copy it by hand.
 */
export function CopyableCommand({ label, command, testId }: { label: string; command: string; testId: string }) {
  const code = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState<null | 'yes' | 'no'>(null);

  const copy = async () => {
    try {
      if (navigator.clipboard) await navigator.clipboard.writeText(command);
      else {
        window.getSelection()?.selectAllChildren(code.current!);
        if (!document.execCommand('copy')) throw new Error('copy refused');
      }
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  };

  return (
    <div className="command">
      <pre>
        <code ref={code} data-testid={testId}>
          {command}
        </code>
      </pre>
      <div className="actions start">
        <button type="button" onClick={() => void copy()} aria-label={`Copy ${label}`}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
        <span role="status" className="muted">
          {copied === 'yes' && `The ${label} is on the clipboard.`}
          {copied === 'no' && 'The browser did not allow copying: select the text above and copy it by hand.'}
        </span>
      </div>
    </div>
  );
}
