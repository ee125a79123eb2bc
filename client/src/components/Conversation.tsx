import type { ChatMessage } from '#shared/conversations.ts';
import { Collapsible } from './Collapsible.tsx';
import { Markdown } from './Markdown.tsx';

/** The context as a chat; a system prompt is folded away until asked for, a long message folded to its start. */
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
            <Collapsible>
              <Markdown text={m.content} />
            </Collapsible>
          </li>
        ),
      )}
    </ol>
  );
}
