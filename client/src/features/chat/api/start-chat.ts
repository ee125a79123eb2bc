import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Chat } from '#shared/chats.ts';
import { api } from '../../../lib/api.ts';
import { chatQueryKey, chatResponse } from './get-chat.ts';

export const startChat = async (slug: string, system?: string) =>
  (await api('POST', `/projects/${slug}/chats`, { body: { system }, schema: chatResponse })).chat;

export function useStartChat(slug: string, onStarted: (chat: Chat) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (system: string | undefined) => startChat(slug, system),
    onSuccess: (chat) => {
      queryClient.setQueryData(chatQueryKey(slug, chat.id), chat);
      onStarted(chat);
    },
  });
}
