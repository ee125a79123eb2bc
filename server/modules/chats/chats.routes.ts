import { chatsApi } from '#shared/contract/chats.ts';
import type { Db } from '#server/db/client.ts';
import { implement } from '#server/http/route.ts';
import type { EventStreams } from '#server/http/sse.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import { endpointOf } from '#server/modules/models/endpoint.ts';
import { chatTurn, chatView, endChat, getChat, ownOpenChat, regenerateReply, replyToRegenerate, startChat } from './chats.usecases.ts';

export const chatRoutes = (db: Db, streams: EventStreams) => [
  implement(chatsApi.start, ({ user, params, body }) => ({ chat: startChat(db, getProject(db, params.slug, user), user, body.system) })),
  implement(chatsApi.get, ({ user, params }) => {
    const project = getProject(db, params.slug, user);
    return { chat: chatView(db, project, getChat(db, project, params.id, user), user) };
  }),
  implement(chatsApi.send, async ({ user, params, body, req, res }) => {
    const project = getProject(db, params.slug, user);
    const chat = getChat(db, project, params.id, user);
    // Refusals come as plain JSON errors, before the event stream opens.
    ownOpenChat(chat, user);
    endpointOf(project);
    await streams.stream(req, res, async (delta, signal) => ({ chat: await chatTurn(db, project, chat, user, body.content, delta, signal) }));
  }),
  implement(chatsApi.regenerate, async ({ user, params, req, res }) => {
    const project = getProject(db, params.slug, user);
    const chat = getChat(db, project, params.id, user);
    const replacing = replyToRegenerate(db, project, chat, user); // refusals before the stream opens, as above
    await streams.stream(req, res, async (delta, signal) => ({ chat: await regenerateReply(db, project, chat, user, replacing, delta, signal) }));
  }),
  implement(chatsApi.end, async ({ user, params }) => {
    const project = getProject(db, params.slug, user);
    return { chat: await endChat(db, project, getChat(db, project, params.id, user), user) };
  }),
];
