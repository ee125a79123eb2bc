import type { Chat } from '#shared/chats.ts';
import { Markdown } from '../../../components/Markdown.tsx';

/** The chat so far, and the message being answered while the answer streams in. */
export function ChatMessages({ messages, pending }: { messages: Chat['messages']; pending: { user: string; answer: string } | null }) {
  return (
    <ol className="chat" aria-live="polite">
      {messages.map((m) =>
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
          </li>
        ),
      )}
      {pending && (
        <>
          <li className="message user">
            <span className="speaker">You</span>
            <Markdown text={pending.user} />
          </li>
          <li className="message assistant">
            <span className="speaker">Model</span>
            <Markdown text={pending.answer || '…'} />
          </li>
        </>
      )}
    </ol>
  );
}
