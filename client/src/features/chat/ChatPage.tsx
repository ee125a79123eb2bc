import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { Chat } from '#shared/chats.ts';
import type { ProjectSummary } from '#shared/projects.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { Markdown } from '../../components/Markdown.tsx';
import { errorMessage } from '../../lib/api.ts';
import { fetchProject } from '../../lib/projects.ts';
import { endChat, fetchChat, sendMessage, startChat } from './api.ts';

/**
 * Chat with the project's model. Ending the chat turns one of the model's answers, picked at
 * random, into a comparison with freshly sampled alternatives, for other trainers to rank.
 */
export function ChatPage() {
  const { slug = '', chatId } = useParams();
  const navigate = useNavigate();
  const [project, setProject] = useState<ProjectSummary | null>(null);
  const [chat, setChat] = useState<Chat | null>(null);
  const [system, setSystem] = useState('');
  const [text, setText] = useState('');
  const [pending, setPending] = useState<{ user: string; answer: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    fetchProject(slug).then(setProject, (e) => setError(errorMessage(e)));
  }, [slug]);
  useEffect(() => {
    if (chatId) fetchChat(slug, chatId).then(setChat, (e) => setError(errorMessage(e)));
    else setChat(null);
  }, [slug, chatId]);

  const run = async (task: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await task();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const begin = () =>
    run(async () => {
      const started = await startChat(slug, system.trim() || undefined);
      setChat(started);
      navigate(`/projects/${slug}/chat/${started.id}`, { replace: true });
    });

  const send = () => {
    const content = text.trim();
    if (!chat || !content || busy) return;
    setPending({ user: content, answer: '' });
    setText('');
    void run(async () => {
      try {
        setChat(await sendMessage(slug, chat.id, content, (delta) => setPending((p) => p && { ...p, answer: p.answer + delta })));
      } catch (e) {
        setText(content); // nothing was stored: give the message back to try again
        throw e;
      } finally {
        setPending(null);
      }
    });
  };

  const end = () => {
    setConfirmEnd(false);
    if (chat) void run(async () => setChat(await endChat(slug, chat.id)));
  };

  if (!project) return <main className="page">{error ? <p role="alert" className="error">{error}</p> : <p className="muted">Loading…</p>}</main>;
  if (!project.hasModel) {
    return (
      <main className="page">
        <h1>Chat</h1>
        <p className="error">Chatting needs a model, and this project has none. A researcher can set one in the project’s settings.</p>
        <Link to="/">Back to projects</Link>
      </main>
    );
  }
  const answered = chat?.messages.some((m) => m.role === 'assistant') ?? false;
  return (
    <main className="page chat-page">
      <p><Link to="/">Projects</Link> / {project.name}</p>
      <h1>Chat with the model</h1>
      {!chat && (
        <div className="form">
          <p className="muted">Talk with the model as a user would. When you end the chat, one of its answers is picked at random and other trainers rank it against freshly sampled alternatives.</p>
          <label>
            System prompt (optional)
            <textarea rows={3} value={system} onChange={(e) => setSystem(e.target.value)} />
          </label>
          <div className="actions start"><button type="button" className="primary" onClick={() => void begin()} disabled={busy}>Start chat</button></div>
        </div>
      )}
      {chat && (
        <>
          <ol className="chat" aria-live="polite">
            {chat.messages.map((m) =>
              m.role === 'system' ? (
                <li key={m.id} className="message system"><details><summary>System prompt</summary><Markdown text={m.content} /></details></li>
              ) : (
                <li key={m.id} className={`message ${m.role}`}>
                  <span className="speaker">{m.role === 'user' ? 'You' : 'Model'}</span>
                  <Markdown text={m.content} />
                </li>
              ),
            )}
            {pending && (
              <>
                <li className="message user"><span className="speaker">You</span><Markdown text={pending.user} /></li>
                <li className="message assistant"><span className="speaker">Model</span><Markdown text={pending.answer || '…'} /></li>
              </>
            )}
          </ol>
          {chat.ended ? (
            <div role="status" className="success">
              {chat.notComparedReason ? (
                <p>This chat has ended and is kept, but made no comparison: {chat.notComparedReason}. Tell your researcher.</p>
              ) : (
                <p>This chat has ended. One of the model’s answers is now a comparison for other trainers to rank{chat.comparisonId ? ` (comparison ${chat.comparisonId})` : ''}. Thank you!</p>
              )}
              <button type="button" onClick={() => navigate(`/projects/${slug}/chat`)}>Start a new chat</button>
            </div>
          ) : (
            <div className="composer">
              <label>
                Your message
                <textarea
                  rows={3}
                  value={text}
                  onChange={(e) => setText(e.target.value)}
                  onKeyDown={(e) => {
                    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
                      e.preventDefault();
                      send();
                    }
                  }}
                />
              </label>
              <div className="actions">
                <button type="button" onClick={() => setConfirmEnd(true)} disabled={busy || !answered}>End chat</button>
                <button type="button" className="primary" onClick={send} disabled={busy || !text.trim()}>{busy ? 'Waiting for the model…' : 'Send'} <kbd>Ctrl</kbd>+<kbd>Enter</kbd></button>
              </div>
            </div>
          )}
        </>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      {confirmEnd && (
        <Dialog title="End this chat?" onClose={() => setConfirmEnd(false)}>
          <p>One of the model’s answers will be picked at random, alternatives will be sampled for it, and other trainers will rank them. You cannot write in this chat afterwards.</p>
          <div className="actions">
            <button type="button" onClick={() => setConfirmEnd(false)}>Keep chatting</button>
            <button type="button" className="primary" onClick={end} data-autofocus>End chat</button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
