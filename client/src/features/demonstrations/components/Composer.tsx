import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { formResolver } from '../../../lib/form-resolver.ts';
import { suggestionSource, type Role, type SuggestionSource } from '../draft.ts';
import type { Suggestion } from '../hooks/use-suggestion.ts';
import { SuggestionBox } from './SuggestionBox.tsx';

const turnSchema = z.object({ text: z.string().trim().min(1) });

interface ComposerProps {
  role: Role;
  onAdd: (content: string, from?: SuggestionSource) => void;
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
export function Composer({ role, onAdd, hasModel, suggestion }: ComposerProps) {
  const { register, handleSubmit, reset, setValue, watch } = useForm({ resolver: formResolver(turnSchema), defaultValues: { text: '' } });
  const [from, setFrom] = useState<SuggestionSource | null>(null);
  const text = watch('text');
  const current = suggestion.current;

  const add = handleSubmit(({ text }) => {
    onAdd(text, from ?? undefined);
    reset();
    setFrom(null);
  });
  const edit = (s: Suggestion) => {
    setValue('text', s.content);
    setFrom(suggestionSource(s));
    suggestion.discard();
  };

  return (
    <section className="composer" aria-label="Next turn">
      <label>
        Next: {role === 'user' ? 'the user' : 'the assistant'}
        <textarea
          rows={4}
          {...register('text')}
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
              e.preventDefault();
              void add();
            }
          }}
          placeholder={role === 'user' ? 'What does the user say?' : 'The ideal assistant answer (Markdown)'}
        />
      </label>
      {from && <p className="muted">Editing a suggestion{from.model ? ` from ${from.model}` : ''}.</p>}
      <div className="actions start">
        <button type="button" onClick={() => void add()} disabled={!text.trim()}>
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
