import { suggestionSource, type Composing, type Role } from '../draft.ts';
import type { Suggestion } from '../hooks/use-suggestion.ts';
import { SuggestionBox } from './SuggestionBox.tsx';

interface ComposerProps {
  role: Role;
  /** The turn being written: part of the draft, so a reload keeps it. */
  composing: Composing;
  onChange: (composing: Composing) => void;
  onAdd: () => void;
  hasModel: boolean;
  suggestion: {
    current: Suggestion | null;
    start: () => void;
    stop: () => void;
    accept: (s: Suggestion) => void;
    discard: () => void;
  };
}

/** The next turn: written by hand, or begun from the model's suggestion and edited here (Ctrl+Enter adds it). */
export function Composer({ role, composing, onChange, onAdd, hasModel, suggestion }: ComposerProps) {
  const { text, from } = composing;
  const current = suggestion.current;

  const edit = (s: Suggestion) => {
    onChange({ text: s.content, from: suggestionSource(s) });
    suggestion.discard();
  };

  return (
    <section className="composer" aria-label="Next turn">
      <label>
        Next: {role === 'user' ? 'the user' : 'the assistant'}
        <textarea
          rows={4}
          value={text}
          onChange={(e) => onChange({ ...composing, text: e.target.value })}
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
              e.preventDefault();
              onAdd();
            }
          }}
          placeholder={role === 'user' ? 'What does the user say?' : 'The ideal assistant answer (Markdown)'}
        />
      </label>
      {from && <p className="muted">Editing a suggestion{from.model ? ` from ${from.model}` : ''}.</p>}
      <div className="actions start">
        <button type="button" onClick={onAdd} disabled={!text.trim()}>
          Add {role} turn
        </button>
        <button type="button" onClick={suggestion.start} disabled={!hasModel || current?.state === 'streaming'} title={hasModel ? undefined : 'Needs a model'}>
          {current?.state === 'streaming' ? 'Suggesting…' : `Suggest the ${role}’s message`}
        </button>
      </div>
      {current && <SuggestionBox suggestion={current} onAccept={suggestion.accept} onEdit={edit} onDiscard={suggestion.discard} onStop={suggestion.stop} />}
    </section>
  );
}
