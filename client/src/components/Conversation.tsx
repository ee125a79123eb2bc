import type { ChatMessage } from '#shared/conversations.ts';
import { Markdown } from './Markdown.tsx';

/** The context as a chat; a system prompt is folded away until asked for. */
export function Conversation({ messages }: { messages: ChatMessage[] }) {
  return (
    <ol className="chat">
      {messages.map((m, i) =>
        m.role === 'system' ? (
          <li key={i} className="message system">
            <details>
              <summary>System prompt</summary>
              <Markdown text={m.content} />
            </details>
          </li>
        ) : (
          <li key={i} className={`message ${m.role}`}>
            <span className="speaker">{m.role === 'user' ? 'User' : 'Assistant'}</span>
            <Markdown text={m.content} />
          </li>
        ),
      )}
    </ol>
  );
}
