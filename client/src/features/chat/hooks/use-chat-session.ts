import { useState } from 'react';
import { useNavigate } from 'react-router';
import { errorMessage } from '../../../lib/api.ts';
import { useEndChat } from '../api/end-chat.ts';
import { useChat } from '../api/get-chat.ts';
import { useSendMessage } from '../api/send-message.ts';
import { useStartChat } from '../api/start-chat.ts';

/**
 * A chat with the project's model: started, written in one message at a time while the model's
 * answer streams in, and ended. One thing happens at a time (`busy`); what went wrong is the last
 * action's failure.
 */
export function useChatSession(slug: string, chatId: string | undefined) {
  const navigate = useNavigate();
  const chat = useChat(slug, chatId);
  const [answer, setAnswer] = useState('');
  const start = useStartChat(slug, (started) => navigate(`/projects/${slug}/chat/${started.id}`, { replace: true }));
  const send = useSendMessage(slug, (delta) => setAnswer((a) => a + delta));
  const end = useEndChat(slug);
  const mutations = [start, send, end];
  const busy = mutations.some((m) => m.isPending);
  const clearFailures = () => mutations.forEach((m) => m.reset());
  const failure = start.error ?? send.error ?? end.error ?? chat.error;

  return {
    chat: chat.data ?? null,
    busy,
    error: failure ? errorMessage(failure) : null,
    /** The message being answered and the answer so far, until the chat holds both. */
    pending: send.isPending ? { user: send.variables.content, answer } : null,
    start: (system: string | undefined) => {
      clearFailures();
      start.mutate(system);
    },
    /** `onFailure` hears the message back: nothing was stored, so it can be tried again. */
    send: (content: string, onFailure: (content: string) => void) => {
      if (!chat.data || busy) return;
      clearFailures();
      setAnswer('');
      send.mutate({ id: chat.data.id, content }, { onError: () => onFailure(content) });
    },
    end: () => {
      if (!chat.data) return;
      clearFailures();
      end.mutate(chat.data.id);
    },
  };
}
