import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Dialog } from '../../components/Dialog.tsx';
import { PageLoading } from '../../components/PageLoading.tsx';
import { useSession } from '../auth/session.tsx';
import { useProject } from '../projects/api/get-project.ts';
import { ChatComposer } from './components/ChatComposer.tsx';
import { ChatMessages } from './components/ChatMessages.tsx';
import { StartChatForm } from './components/StartChatForm.tsx';
import { useChatSession } from './hooks/use-chat-session.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';

/**
 * Chat with the project's model. Ending the chat turns one of the model's answers, picked at
 * random, into a comparison with freshly sampled alternatives, for other trainers to rank.
 */
export function ChatPage() {
  const { slug = '', chatId } = useParams();
  const navigate = useNavigate();
  const { user } = useSession();
  const project = useProject(slug);
  useDocumentTitle('Chat', project.data?.name);
  const session = useChatSession(slug, chatId);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const { chat } = session;

  if (!project.data) return <PageLoading error={project.error} />;
  if (!project.data.hasModel) {
    return (
      <main className="page">
        <h1>Chat</h1>
        <p className="error">Chatting needs a model, and this project has none. A researcher can set one in the project’s settings.</p>
        <Link to="/">Back to projects</Link>
      </main>
    );
  }
  return (
    <main className="page chat-page">
      <p>
        <Link to="/">Projects</Link> / {project.data.name}
      </p>
      <h1>Chat with the model</h1>
      {!chat && <StartChatForm busy={session.busy} onStart={session.start} />}
      {chat && (
        <>
          <ChatMessages messages={chat.messages} pending={session.pending} onRegenerate={chat.ended || session.busy ? undefined : session.regenerate} />
          {chat.ended ? (
            <div role="status" className="success">
              {chat.notComparedReason ? (
                <p>This chat has ended and is kept, but made no comparison: {chat.notComparedReason}. Tell your researcher.</p>
              ) : (
                <p>
                  This chat has ended. One of the model’s answers is now a comparison for other trainers to rank
                  {chat.comparisonId ? ` (comparison ${chat.comparisonId})` : ''}. Thank you!
                </p>
              )}
              <button type="button" onClick={() => navigate(`/projects/${slug}/chat`)}>
                Start a new chat
              </button>
            </div>
          ) : (
            <ChatComposer
              key={chat.id}
              storageKey={`ordinal:chat-message:${user.username}:${chat.id}`}
              busy={session.busy}
              canEnd={chat.messages.some((m) => m.role === 'assistant')}
              onSend={session.send}
              onEnd={() => setConfirmEnd(true)}
            />
          )}
        </>
      )}
      {session.error && (
        <p role="alert" className="error">
          {session.error}
        </p>
      )}
      {confirmEnd && (
        <Dialog title="End this chat?" onClose={() => setConfirmEnd(false)}>
          <p>
            One of the model’s answers will be picked at random, alternatives will be sampled for it, and other trainers will rank them. You cannot write in
            this chat afterwards.
          </p>
          <div className="actions">
            <button type="button" onClick={() => setConfirmEnd(false)}>
              Keep chatting
            </button>
            <button
              type="button"
              className="primary"
              onClick={() => {
                setConfirmEnd(false);
                session.end();
              }}
              data-autofocus
            >
              End chat
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
