import { useRef, useState } from 'react';
import type { ChatMessage } from '#shared/conversations.ts';
import { useStreamSuggestion } from '../api/stream-suggestion.ts';
import type { Role, SuggestionSource } from '../draft.ts';

export type Suggestion = SuggestionSource & { state: 'streaming' | 'ready' };

/** A model suggestion for the next turn: shown as it streams in, then accepted, edited or discarded; "Stop" ends it. */
export function useSuggestion(slug: string) {
  const [streamed, setStreamed] = useState('');
  const abort = useRef<AbortController | null>(null);
  const stream = useStreamSuggestion(slug, (text) => setStreamed((s) => s + text));

  const start = (messages: ChatMessage[], role: Role) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setStreamed('');
    stream.mutate({ messages, role, signal: controller.signal });
  };

  const suggestion: Suggestion | null = stream.isPending
    ? { state: 'streaming', content: streamed }
    : stream.isSuccess
      ? { state: 'ready', content: stream.data.content, ...(stream.data.model ? { model: stream.data.model } : {}) }
      : null;
  // Stopping is no failure.
  const error = stream.error?.name === 'AbortError' ? null : stream.error;
  return { suggestion, error, start, stop: () => abort.current?.abort(), dismiss: stream.reset };
}
