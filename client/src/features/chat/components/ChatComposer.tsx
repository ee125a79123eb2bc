import { useForm } from 'react-hook-form';
import { chatTurnSchema } from '#shared/chats.ts';
import { formResolver } from '../../../lib/form-resolver.ts';

interface ChatComposerProps {
  busy: boolean;
  canEnd: boolean;
  onSend: (content: string, onFailure: (content: string) => void) => void;
  onEnd: () => void;
}

/** The trainer's next message (Ctrl+Enter sends it); a message the server did not take comes back to try again. */
export function ChatComposer({ busy, canEnd, onSend, onEnd }: ChatComposerProps) {
  const { register, handleSubmit, reset, setValue, watch } = useForm({ resolver: formResolver(chatTurnSchema), defaultValues: { content: '' } });
  const text = watch('content');
  const send = handleSubmit(({ content }) => {
    if (busy) return;
    reset();
    onSend(content, (back) => setValue('content', back));
  });
  return (
    <div className="composer">
      <label>
        Your message
        <textarea
          rows={3}
          {...register('content')}
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
              e.preventDefault();
              void send();
            }
          }}
        />
      </label>
      <div className="actions">
        <button type="button" onClick={onEnd} disabled={busy || !canEnd}>
          End chat
        </button>
        <button type="button" className="primary" onClick={() => void send()} disabled={busy || !text.trim()}>
          {busy ? 'Waiting for the model…' : 'Send'} <kbd>Ctrl</kbd>+<kbd>Enter</kbd>
        </button>
      </div>
    </div>
  );
}
