import type { Chat } from '#shared/chats.ts';
import { Markdown } from '../../../components/Markdown.tsx';
import type { PendingTurn } from '../hooks/use-chat-session.ts';

interface ChatMessagesProps {
  messages: Chat['messages'];
  pending: PendingTurn | null;
  /** Offered under the model's last answer while the chat is open and nothing else is happening. */
  onRegenerate?: () => void;
}

/**
 * The chat so far, and the turn streaming in: the trainer's new message and its answer, or, while
 * regenerating, the new answer in place of the last one.
 */
export function ChatMessages({ messages, pending, onRegenerate }: ChatMessagesProps) {
  const shown = pending && pending.user === null ? messages.slice(0, -1) : messages;
  const last = shown.at(-1);
  return (
    <ol className="chat" aria-live="polite">
      {shown.map((m) =>
        m.role === 'system' ? (
          <li key={m.id} className="message system">
            <details>
              <summary>System prompt</summary>
              <Markdown text={m.content} />
            </details>
          </li>
        ) : (
          <li key={m.id} className={`message ${m.role}`}>
            <span className="speaker">{m.role === 'user' ? 'You' : 'Model'}</span>
            <Markdown text={m.content} />
            {m === last && m.role === 'assistant' && !pending && onRegenerate && (
              <button type="button" className="link" onClick={onRegenerate} title="Ask the model for another answer in place of this one">
                Regenerate
              </button>
            )}
          </li>
        ),
      )}
      {pending && (
        <>
          {pending.user !== null && (
            <li className="message user">
              <span className="speaker">You</span>
              <Markdown text={pending.user} />
            </li>
          )}
          <li className="message assistant">
            <span className="speaker">Model</span>
            <Markdown text={pending.answer || '…'} />
          </li>
        </>
      )}
    </ol>
  );
}
