import { useEffect, useId } from 'react';
import { useForm } from 'react-hook-form';
import { chatTurnSchema } from '#shared/chats.ts';
import { formResolver } from '../../../lib/form-resolver.ts';

interface ChatComposerProps {
  /** Where the message being typed is kept, so a reload or an ended session loses none of it. */
  storageKey: string;
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

function loadTyped(key: string) {
  try {
    return localStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

function keepTyped(key: string, text: string) {
  try {
    if (text) localStorage.setItem(key, text);
    else localStorage.removeItem(key);
  } catch {
    /* storage full or disabled: the message only lives in the page */
  }
}

/** The trainer's next message (Enter or Ctrl+Enter sends it); a message the server did not take comes back to try again. */
export function ChatComposer({ storageKey, busy, canEnd, onSend, onEnd }: ChatComposerProps) {
  const { register, handleSubmit, reset, setValue, watch } = useForm({
    resolver: formResolver(chatTurnSchema),
    defaultValues: { content: loadTyped(storageKey) },
  });
  const text = watch('content');
  // While a message is on its way it stays kept: a reload before its answer is stored loses nothing.
  useEffect(() => {
    if (!busy) keepTyped(storageKey, text);
  }, [storageKey, text, busy]);
  const withKeyboard = enterSends();
  const keysHint = useId();
  const send = handleSubmit(({ content }) => {
    if (busy) return;
    reset({ content: '' });
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
