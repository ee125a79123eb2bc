import crypto from 'node:crypto';
import type { Db } from '#server/db/client.ts';
import type { AuthUser } from '#server/http/auth.ts';
import { audit } from '#server/modules/audit/audit.ts';
import { pathTo } from '#server/modules/conversations/conversations.repository.ts';
import { insertMessage, insertOwnConversation } from '#server/modules/conversations/conversations.writer.ts';
import { endpointOf, nMemory } from '#server/modules/models/endpoint.ts';
import { streamCompletion } from '#server/modules/models/model-client.ts';
import { markUnsampled, sampleDistinct, sampleProvenance, storeSamples } from '#server/modules/models/sampling.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import type { Chat } from '#shared/chats.ts';
import { projectArchived } from '#server/modules/projects/projects.errors.ts';
import { chatAwaitingAnswer, chatChanged, chatEnded, chatNotFound, chatNotYours, nothingToCompare, nothingToRegenerate } from './chats.errors.ts';

interface ChatRow {
  id: number;
  projectId: number;
  createdBy: number;
  endedAt: number | null;
}

const chatRow = (db: Db, chatId: number) =>
  db.sqlite
    .prepare<[number], ChatRow>(
      `SELECT id, project_id AS projectId, created_by AS createdBy, ended_at AS endedAt FROM conversations WHERE id = ? AND source = 'chat'`,
    )
    .get(chatId);

/** A chat's messages along its main line (the alternatives sampled at its end are not part of it). */
function mainLine(db: Db, chatId: number) {
  return db.sqlite
    .prepare<[number], { id: number; parentId: number | null; role: 'system' | 'user' | 'assistant'; content: string; model: string | null }>(
      `
      WITH RECURSIVE line(id) AS (
        SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS NULL
        UNION ALL
        SELECT (SELECT min(m.id) FROM messages m WHERE m.parent_id = line.id) FROM line WHERE line.id IS NOT NULL
      )
      SELECT m.id, m.parent_id AS parentId, m.role, m.content, m.model FROM line JOIN messages m ON m.id = line.id ORDER BY m.id`,
    )
    .all(chatId);
}

/** A chat as `viewer` may see it: trainers learn which messages the model wrote, not which model. */
export function chatView(db: Db, project: ProjectRow, chat: ChatRow, viewer: AuthUser): Chat {
  const comparison = db.sqlite.prepare<[number], { id: number }>('SELECT id FROM comparisons WHERE conversation_id = ? ORDER BY id LIMIT 1').get(chat.id);
  const notCompared = comparison
    ? undefined
    : db.sqlite
        .prepare<[number], { reason: string }>('SELECT u.reason FROM unsampled_prompts u JOIN messages m ON m.id = u.message_id WHERE m.conversation_id = ?')
        .get(chat.id);
  return {
    id: String(chat.id),
    project: project.slug,
    messages: mainLine(db, chat.id).map((m) => ({ id: String(m.id), role: m.role, content: m.content, model: viewer.role === 'trainer' ? null : m.model })),
    ended: chat.endedAt !== null,
    comparisonId: comparison ? String(comparison.id) : null,
    notComparedReason: notCompared?.reason ?? null,
  };
}

/** The chat, if the asking user may see it: its trainer, or a researcher. */
export function getChat(db: Db, project: ProjectRow, chatId: number, user: AuthUser) {
  const chat = chatRow(db, chatId);
  if (!chat || chat.projectId !== project.id || (chat.createdBy !== user.id && user.role === 'trainer')) throw chatNotFound(chatId);
  return chat;
}

export function startChat(db: Db, project: ProjectRow, user: AuthUser, system: string | undefined): Chat {
  endpointOf(project);
  if (project.archivedAt !== null) throw projectArchived(project.slug);
  return db.sqlite.transaction(() => {
    const id = insertOwnConversation(db, project.id, 'chat', user.id);
    if (system) insertMessage(db, { conversationId: id, parentId: null, role: 'system', content: system, authorId: user.id });
    audit(db, user.id, 'chat.start', `chat:${id}`);
    return chatView(db, project, chatRow(db, id)!, user);
  })();
}

/** Only the chat's trainer writes in it, and only until it ends. */
export function ownOpenChat(chat: ChatRow, user: AuthUser) {
  if (chat.createdBy !== user.id) throw chatNotYours();
  if (chat.endedAt !== null) throw chatEnded();
}

/**
 * The trainer's next message and the model's answer, streamed. Both are written together once the
 * answer is complete: a failed or abandoned answer leaves the chat as it was.
 */
export async function chatTurn(
  db: Db,
  project: ProjectRow,
  chat: ChatRow,
  user: AuthUser,
  content: string,
  onDelta: (text: string) => void,
  signal?: AbortSignal,
): Promise<Chat> {
  ownOpenChat(chat, user);
  const endpoint = endpointOf(project);
  const line = mainLine(db, chat.id);
  if (line.at(-1)?.role === 'user') throw chatAwaitingAnswer();
  const context = [...line.map((m) => ({ role: m.role, content: m.content })), { role: 'user' as const, content }];
  const sample = await streamCompletion(endpoint, context, project.sampling, onDelta, signal);
  return db.sqlite
    .transaction(() => {
      const current = chatRow(db, chat.id)!;
      ownOpenChat(current, user);
      if (mainLine(db, chat.id).at(-1)?.id !== line.at(-1)?.id) throw chatChanged();
      const userMessage = insertMessage(db, { conversationId: chat.id, parentId: line.at(-1)?.id ?? null, role: 'user', content, authorId: user.id });
      insertMessage(db, { conversationId: chat.id, parentId: userMessage, role: 'assistant', ...sampleProvenance(sample) });
      return chatView(db, project, current, user);
    })
    .immediate();
}

/**
 * What a regeneration needs, or why there can be none: the chat is the asking trainer's and open,
 * the project has a model, and the main line ends with a reply the model wrote.
 */
export function replyToRegenerate(db: Db, project: ProjectRow, chat: ChatRow, user: AuthUser) {
  ownOpenChat(chat, user);
  const endpoint = endpointOf(project);
  const line = mainLine(db, chat.id);
  const replaced = line.at(-1);
  if (replaced?.role !== 'assistant' || replaced.model === null) throw nothingToRegenerate();
  return { endpoint, context: line.slice(0, -1).map((m) => ({ role: m.role, content: m.content })), replaced };
}

/**
 * Replaces the model's last reply (as replyToRegenerate found it, before the stream opened) with a
 * newly sampled one, streamed, for a trainer who wants another answer before going on. Nothing has been built on that reply yet (no later turn, no
 * comparison), so it is removed from the chat; its text stays in the audit log. A failed or
 * abandoned regeneration leaves the chat as it was.
 */
export async function regenerateReply(
  db: Db,
  project: ProjectRow,
  chat: ChatRow,
  user: AuthUser,
  { endpoint, context, replaced }: ReturnType<typeof replyToRegenerate>,
  onDelta: (text: string) => void,
  signal?: AbortSignal,
): Promise<Chat> {
  const sample = await streamCompletion(endpoint, context, project.sampling, onDelta, signal);
  return db.sqlite
    .transaction(() => {
      const current = chatRow(db, chat.id)!;
      ownOpenChat(current, user);
      if (mainLine(db, chat.id).at(-1)?.id !== replaced.id) throw chatChanged();
      const reply = insertMessage(db, { conversationId: chat.id, parentId: replaced.parentId, role: 'assistant', ...sampleProvenance(sample) });
      db.sqlite.prepare('DELETE FROM messages WHERE id = ?').run(replaced.id);
      audit(db, user.id, 'chat.regenerate', `chat:${chat.id}`, {
        replacedMessageId: replaced.id,
        messageId: reply,
        replaced: { model: replaced.model, content: replaced.content },
      });
      return chatView(db, project, current, user);
    })
    .immediate();
}

/**
 * Ends a chat: picks one of the model's messages at random, samples K−1 alternatives with the same
 * context, all different from it and from each other (the original stays a candidate), and queues
 * the comparison for other trainers (its author never gets it). If sampling fails, the chat stays
 * open; if the model only repeats itself, the chat ends with no comparison and the reason is kept.
 */
export async function endChat(db: Db, project: ProjectRow, chat: ChatRow, user: AuthUser, k?: number): Promise<Chat> {
  ownOpenChat(chat, user);
  const endpoint = endpointOf(project);
  const modelMessages = mainLine(db, chat.id).filter((m) => m.role === 'assistant' && m.model !== null);
  if (!modelMessages.length) throw nothingToCompare();
  const picked = modelMessages[crypto.randomInt(modelMessages.length)]!;
  const alternatives = await sampleDistinct(endpoint, pathTo(db, picked.parentId!), project.sampling, (k ?? project.sampling.k) - 1, nMemory(db, endpoint), [
    picked.content,
  ]);
  return db.sqlite
    .transaction(() => {
      const current = chatRow(db, chat.id)!;
      ownOpenChat(current, user);
      let comparisonId: number | null = null;
      if (alternatives.samples) comparisonId = storeSamples(db, project.id, chat.id, picked.parentId!, alternatives.samples, { authorId: user.id });
      else markUnsampled(db, picked.parentId!, alternatives.reason);
      db.sqlite.prepare('UPDATE conversations SET ended_at = ? WHERE id = ?').run(Date.now(), chat.id);
      audit(db, user.id, 'chat.end', `chat:${chat.id}`, { comparisonId, pickedMessageId: picked.id });
      return chatView(db, project, chatRow(db, chat.id)!, user);
    })
    .immediate();
}
