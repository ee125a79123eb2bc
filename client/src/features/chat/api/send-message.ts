import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Chat } from '#shared/chats.ts';
import { postEventStream } from '../../../lib/event-stream.ts';
import { chatQueryKey, chatResponse } from './get-chat.ts';

/** Sends the trainer's message; the model's answer streams to `onDelta`, and the chat with both comes back. */
export const sendMessage = async (slug: string, id: string, content: string, onDelta: (text: string) => void): Promise<Chat> =>
  chatResponse.parse(await postEventStream(`/projects/${slug}/chats/${id}/messages`, { content }, onDelta)).chat;

export function useSendMessage(slug: string, onDelta: (text: string) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, content }: { id: string; content: string }) => sendMessage(slug, id, content, onDelta),
    onSuccess: (chat) => queryClient.setQueryData(chatQueryKey(slug, chat.id), chat),
  });
}
