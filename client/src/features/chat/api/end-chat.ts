import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.ts';
import { chatQueryKey, chatResponse } from './get-chat.ts';

/** Ends a chat: one of the model's answers becomes a comparison for other trainers. */
export const endChat = async (slug: string, id: string) => (await api('POST', `/projects/${slug}/chats/${id}/end`, { body: {}, schema: chatResponse })).chat;

export function useEndChat(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => endChat(slug, id),
    onSuccess: (chat) => queryClient.setQueryData(chatQueryKey(slug, chat.id), chat),
  });
}
