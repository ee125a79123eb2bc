import { useId, useRef } from 'react';

interface SubmitBarProps {
  note: string;
  onNote: (note: string) => void;
  submitting: boolean;
  /** Left out where the comparison cannot be skipped: no Skip button then. */
  onSkip?: () => void;
  onSubmit: () => void;
}

/**
 * One line at the foot of the screen: the note (behind a button, in a box that opens above the
 * bar) and the two ways to finish, skip or submit. What went wrong shows above it, in the page.
 */
export function SubmitBar({ note, onNote, submitting, onSkip, onSubmit }: SubmitBarProps) {
  const noteBox = useId();
  const field = useRef<HTMLTextAreaElement>(null);
  return (
    <section className="submit-bar" aria-label="Submit">
      <button type="button" popoverTarget={noteBox} aria-label={note.trim() ? 'Edit the note' : 'Add a note'}>
        {note.trim() ? 'Edit' : 'Add'}
        <span className="wide-only"> a</span> note
      </button>
      <div id={noteBox} popover="auto" className="note-box" onToggle={(e) => e.newState === 'open' && field.current?.focus()}>
        <label>
          Note (optional)
          <textarea ref={field} value={note} onChange={(e) => onNote(e.target.value)} rows={4} maxLength={10_000} />
        </label>
        <button type="button" popoverTarget={noteBox} popoverTargetAction="hide">
          Done
        </button>
      </div>
      <span className="spacer" />
      {onSkip && (
        <button type="button" onClick={onSkip}>
          Skip…
        </button>
      )}
      <button type="button" className="primary" onClick={onSubmit} disabled={submitting} aria-label={submitting ? 'Saving…' : 'Submit ranking'}>
        {submitting ? 'Saving…' : 'Submit'}
        {!submitting && <span className="wide-only"> ranking</span>}
        <span className="keyboard-hint">
          <kbd>Ctrl</kbd>+<kbd>Enter</kbd>
        </span>
      </button>
    </section>
  );
}
