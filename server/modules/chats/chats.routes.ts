import { z } from 'zod';
import { chatSchema, chatTurnSchema, startChatSchema } from '#shared/chats.ts';
import { idSchema } from '#shared/ids.ts';
import type { Db } from '#server/db/client.ts';
import { allUsers, defineRoute } from '#server/http/route.ts';
import type { EventStreams } from '#server/http/sse.ts';
import { projectParams } from '#server/modules/projects/projects.routes.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import { endpointOf } from '#server/modules/models/endpoint.ts';
import { chatTurn, chatView, endChat, getChat, ownOpenChat, startChat } from './chats.usecases.ts';

const chatParams = projectParams.extend({ id: idSchema });
const chatResponse = z.object({ chat: chatSchema });

export const chatRoutes = (db: Db, streams: EventStreams) => [
  defineRoute({
    method: 'post',
    path: '/projects/:slug/chats',
    summary: 'Start a chat with the project’s model',
    roles: allUsers,
    params: projectParams,
    body: startChatSchema,
    successStatus: 201,
    response: chatResponse,
    handler: ({ user, params, body }) => ({ chat: startChat(db, getProject(db, params.slug, user), user!, body.system) }),
  }),
  defineRoute({
    method: 'get',
    path: '/projects/:slug/chats/:id',
    summary: 'A chat: its trainer’s own, or any for researchers',
    roles: allUsers,
    params: chatParams,
    response: chatResponse,
    handler: ({ user, params }) => {
      const project = getProject(db, params.slug, user);
      return { chat: chatView(db, project, getChat(db, project, Number(params.id), user!), user!) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/projects/:slug/chats/:id/messages',
    summary: 'Send a message; the model’s answer streams back as server-sent events (delta…, then done {chat} or error)',
    roles: allUsers,
    params: chatParams,
    body: chatTurnSchema,
    response: { mediaType: 'text/event-stream', description: 'event: delta {text}; event: done {chat}; event: error {error}' },
    handler: async ({ user, params, body, req, res }) => {
      const project = getProject(db, params.slug, user);
      const chat = getChat(db, project, Number(params.id), user!);
      // Refusals come as plain JSON errors, before the event stream opens.
      ownOpenChat(chat, user!);
      endpointOf(project);
      await streams.stream(req, res, async (delta, signal) => ({ chat: await chatTurn(db, project, chat, user!, body.content, delta, signal) }));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/projects/:slug/chats/:id/end',
    summary: 'End a chat: a random model message gets K−1 sampled alternatives and becomes a comparison for other trainers',
    roles: allUsers,
    params: chatParams,
    body: z.strictObject({}),
    response: chatResponse,
    handler: async ({ user, params }) => {
      const project = getProject(db, params.slug, user);
      return { chat: await endChat(db, project, getChat(db, project, Number(params.id), user!), user!) };
    },
  }),
];
