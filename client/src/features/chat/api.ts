import { z } from 'zod';
import { chatSchema, type Chat } from '#shared/chats.ts';
import { api } from '../../lib/api.ts';
import { postEventStream } from '../../lib/event-stream.ts';

const chatResponse = z.object({ chat: chatSchema });

export const startChat = async (slug: string, system?: string) => (await api('POST', `/projects/${slug}/chats`, { body: { system }, schema: chatResponse })).chat;
export const fetchChat = async (slug: string, id: string) => (await api('GET', `/projects/${slug}/chats/${id}`, { schema: chatResponse })).chat;
export const endChat = async (slug: string, id: string) => (await api('POST', `/projects/${slug}/chats/${id}/end`, { body: {}, schema: chatResponse })).chat;
export const sendMessage = async (slug: string, id: string, content: string, onDelta: (text: string) => void): Promise<Chat> =>
  chatResponse.parse(await postEventStream(`/projects/${slug}/chats/${id}/messages`, { content }, onDelta)).chat;
