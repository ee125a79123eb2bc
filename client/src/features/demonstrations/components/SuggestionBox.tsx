import { Markdown } from '../../../components/Markdown.tsx';
import type { Suggestion } from '../hooks/use-suggestion.ts';

interface SuggestionBoxProps {
  suggestion: Suggestion;
  onAccept: (s: Suggestion) => void;
  onEdit: (s: Suggestion) => void;
  onDiscard: () => void;
  onStop: () => void;
}

/** The model's suggestion as it streams in; once complete, the trainer accepts, edits or discards it. */
export function SuggestionBox({ suggestion, onAccept, onEdit, onDiscard, onStop }: SuggestionBoxProps) {
  return (
    <div className="suggestion" aria-live="polite" aria-label="Suggestion">
      <Markdown text={suggestion.content || '…'} />
      {suggestion.state === 'ready' && (
        <div className="actions start">
          <button type="button" className="primary" onClick={() => onAccept(suggestion)}>
            Accept
          </button>
          <button type="button" onClick={() => onEdit(suggestion)}>
            Edit
          </button>
          <button type="button" onClick={onDiscard}>
            Discard
          </button>
        </div>
      )}
      {suggestion.state === 'streaming' && (
        <button type="button" className="link" onClick={onStop}>
          Stop
        </button>
      )}
    </div>
  );
}
