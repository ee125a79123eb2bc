import { useState } from 'react';
import { useNavigate } from 'react-router';
import { errorMessage } from '../../../lib/api.ts';
import { useEndChat } from '../api/end-chat.ts';
import { useChat } from '../api/get-chat.ts';
import { useRegenerateReply } from '../api/regenerate-reply.ts';
import { useSendMessage } from '../api/send-message.ts';
import { useStartChat } from '../api/start-chat.ts';

/** What streams in while the model answers: the trainer's new message (none when regenerating) and the answer so far. */
export interface PendingTurn {
  user: string | null;
  answer: string;
}

/**
 * A chat with the project's model: started, written in one message at a time while the model's
 * answer streams in, its last answer regenerated, and ended. One thing happens at a time (`busy`);
 * what went wrong is the last action's failure.
 */
export function useChatSession(slug: string, chatId: string | undefined) {
  const navigate = useNavigate();
  const chat = useChat(slug, chatId);
  const [answer, setAnswer] = useState('');
  const onDelta = (delta: string) => setAnswer((a) => a + delta);
  const start = useStartChat(slug, (started) => navigate(`/projects/${slug}/chat/${started.id}`, { replace: true }));
  const send = useSendMessage(slug, onDelta);
  const regenerate = useRegenerateReply(slug, onDelta);
  const end = useEndChat(slug);
  const mutations = [start, send, regenerate, end];
  const busy = mutations.some((m) => m.isPending);
  const clearFailures = () => mutations.forEach((m) => m.reset());
  const failure = start.error ?? send.error ?? regenerate.error ?? end.error ?? chat.error;
  const pending: PendingTurn | null = send.isPending ? { user: send.variables.content, answer } : regenerate.isPending ? { user: null, answer } : null;

  return {
    chat: chat.data ?? null,
    busy,
    error: failure ? errorMessage(failure) : null,
    /** The turn streaming in, until the chat holds it. */
    pending,
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
    /** A new answer in place of the model's last one; if it fails, the last one stays. */
    regenerate: () => {
      if (!chat.data || busy) return;
      clearFailures();
      setAnswer('');
      regenerate.mutate(chat.data.id);
    },
    end: () => {
      if (!chat.data) return;
      clearFailures();
      end.mutate(chat.data.id);
    },
  };
}
