import { z } from 'zod';
import { chatSchema, chatTurnSchema, startChatSchema } from '../chats.ts';
import { idParamSchema } from '../ids.ts';
import { projectParams } from './projects.ts';
import { allUsers, route } from './route.ts';

const chatParams = projectParams.extend({ id: idParamSchema });
const chatResponse = z.object({ chat: chatSchema });

export const chatsApi = {
  start: route({
    method: 'post',
    path: '/projects/:slug/chats',
    summary: 'Start a chat with the project’s model',
    roles: allUsers,
    params: projectParams,
    body: startChatSchema,
    successStatus: 201,
    response: chatResponse,
  }),
  get: route({
    method: 'get',
    path: '/projects/:slug/chats/:id',
    summary: 'A chat: its trainer’s own, or any for researchers',
    roles: allUsers,
    params: chatParams,
    response: chatResponse,
  }),
  send: route({
    method: 'post',
    path: '/projects/:slug/chats/:id/messages',
    summary: 'Send a message; the model’s answer streams back as server-sent events (delta…, then done {chat} or error)',
    roles: allUsers,
    params: chatParams,
    body: chatTurnSchema,
    response: { mediaType: 'text/event-stream', description: 'event: delta {text}; event: done {chat}; event: error {error}' },
  }),
  regenerate: route({
    method: 'post',
    path: '/projects/:slug/chats/:id/regenerate',
    summary: 'Replace the model’s last reply of an open chat with a newly sampled one, streamed like a sent message',
    roles: allUsers,
    params: chatParams,
    body: z.strictObject({}),
    response: { mediaType: 'text/event-stream', description: 'event: delta {text}; event: done {chat}; event: error {error}' },
  }),
  end: route({
    method: 'post',
    path: '/projects/:slug/chats/:id/end',
    summary: 'End a chat: a random model message gets K−1 sampled alternatives and becomes a comparison for other trainers',
    roles: allUsers,
    params: chatParams,
    body: z.strictObject({}),
    response: chatResponse,
  }),
};
