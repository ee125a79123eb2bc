interface SubmitBarProps {
  note: string;
  onNote: (note: string) => void;
  error: string | null;
  submitting: boolean;
  onSkip: () => void;
  onSubmit: () => void;
}

/** The note, what went wrong, and the two ways to finish: skip or submit. */
export function SubmitBar({ note, onNote, error, submitting, onSkip, onSubmit }: SubmitBarProps) {
  return (
    <section className="submit-bar" aria-label="Submit">
      <label className="note">
        Note (optional)
        <textarea value={note} onChange={(e) => onNote(e.target.value)} rows={2} maxLength={10_000} />
      </label>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onSkip}>
          Skip…
        </button>
        <button type="button" className="primary" onClick={onSubmit} disabled={submitting}>
          {submitting ? 'Saving…' : 'Submit ranking'} <kbd>Ctrl</kbd>+<kbd>Enter</kbd>
        </button>
      </div>
    </section>
  );
}
