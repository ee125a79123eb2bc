import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Chat } from '#shared/chats.ts';
import { postEventStream } from '../../../lib/event-stream.ts';
import { chatQueryKey, chatResponse } from './get-chat.ts';

/** Asks the model again for its last reply; the new one streams to `onDelta`, and the chat holding it comes back. */
export const regenerateReply = async (slug: string, id: string, onDelta: (text: string) => void): Promise<Chat> =>
  chatResponse.parse(await postEventStream(`/projects/${slug}/chats/${id}/regenerate`, {}, onDelta)).chat;

export function useRegenerateReply(slug: string, onDelta: (text: string) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => regenerateReply(slug, id, onDelta),
    onSuccess: (chat) => queryClient.setQueryData(chatQueryKey(slug, chat.id), chat),
  });
}
