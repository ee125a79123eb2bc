import { useId } from 'react';
import { useForm } from 'react-hook-form';
import { chatTurnSchema } from '#shared/chats.ts';
import { formResolver } from '../../../lib/form-resolver.ts';

interface ChatComposerProps {
  busy: boolean;
  canEnd: boolean;
  onSend: (content: string, onFailure: (content: string) => void) => void;
  onEnd: () => void;
}

/**
 * Whether Enter sends. With a keyboard it does, as in every chat, Shift+Enter starting a new line.
 * On a touch screen it does not: the on-screen keyboard's Enter is the only way to a new line there,
 * and the Send button is at hand.
 */
const enterSends = () => !window.matchMedia('(pointer: coarse)').matches;

/** The trainer's next message (Enter or Ctrl+Enter sends it); a message the server did not take comes back to try again. */
export function ChatComposer({ busy, canEnd, onSend, onEnd }: ChatComposerProps) {
  const { register, handleSubmit, reset, setValue, watch } = useForm({ resolver: formResolver(chatTurnSchema), defaultValues: { content: '' } });
  const text = watch('content');
  const withKeyboard = enterSends();
  const keysHint = useId();
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
          aria-describedby={withKeyboard ? keysHint : undefined}
          onKeyDown={(e) => {
            // An Enter that ends the composition of a character (Japanese, Chinese input) is no send.
            if (e.key !== 'Enter' || e.nativeEvent.isComposing) return;
            if (e.ctrlKey || e.metaKey || (withKeyboard && !e.shiftKey && !e.altKey)) {
              e.preventDefault();
              void send();
            }
          }}
        />
      </label>
      {withKeyboard && (
        <p id={keysHint} className="muted">
          <kbd>Enter</kbd> sends; <kbd>Shift</kbd>+<kbd>Enter</kbd> starts a new line.
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onEnd} disabled={busy || !canEnd}>
          End chat
        </button>
        <button type="button" className="primary" onClick={() => void send()} disabled={busy || !text.trim()}>
          {busy ? 'Waiting for the model…' : 'Send'}
        </button>
      </div>
    </div>
  );
}
