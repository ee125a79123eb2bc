import { useMutation } from '@tanstack/react-query';
import type { ChatMessage } from '#shared/conversations.ts';
import { streamDoneSchema } from '#shared/demonstrations.ts';
import { postEventStream } from '../../../lib/event-stream.ts';
import type { Role } from '../draft.ts';

export interface SuggestionInput {
  messages: ChatMessage[];
  role: Role;
  signal: AbortSignal;
}

/** The model's next message for `role`, streamed: `onDelta` hears each piece, the promise gives the whole. */
export const streamSuggestion = async (slug: string, { messages, role, signal }: SuggestionInput, onDelta: (text: string) => void) =>
  streamDoneSchema.parse(await postEventStream(`/projects/${slug}/suggestions`, { messages, role }, onDelta, signal));

export const useStreamSuggestion = (slug: string, onDelta: (text: string) => void) =>
  useMutation({ mutationFn: (input: SuggestionInput) => streamSuggestion(slug, input, onDelta) });
