import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { chatSchema } from '#shared/chats.ts';
import { api } from '../../../lib/api.ts';

export const chatResponse = z.object({ chat: chatSchema });

export const getChat = async (slug: string, id: string) => (await api('GET', `/projects/${slug}/chats/${id}`, { schema: chatResponse })).chat;

export const chatQueryKey = (slug: string, id: string) => ['projects', slug, 'chats', id] as const;

export const chatQueryOptions = (slug: string, id: string) => queryOptions({ queryKey: chatQueryKey(slug, id), queryFn: () => getChat(slug, id) });

/** The chat open on the page, if one is (`id` from the address); starting, writing in and ending it put the server's answer here. */
export const useChat = (slug: string, id: string | undefined) => useQuery({ ...chatQueryOptions(slug, id ?? ''), enabled: id !== undefined });
