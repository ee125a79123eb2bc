import crypto from 'node:crypto';
import { statementsFor, type Db } from '#server/db/client.ts';
import type { ImportLine } from '#shared/conversations.ts';

/** A message row's columns; provenance fields are null (or 0) unless given. */
interface MessageFields {
  conversationId: number | bigint;
  parentId: number | bigint | null;
  role: string;
  content: string;
  authorId: number | null;
  model: string | null;
  servedModel: string | null;
  params: string | null;
  finishReason: string | null;
  usage: string | null;
  latencyMs: number | null;
  fromSuggestion: 0 | 1;
  suggestionModel: string | null;
  suggestionEditDistance: number | null;
}

const noProvenance = {
  authorId: null,
  model: null,
  servedModel: null,
  params: null,
  finishReason: null,
  usage: null,
  latencyMs: null,
  fromSuggestion: 0,
  suggestionModel: null,
  suggestionEditDistance: null,
} as const;

export const writerStatements = statementsFor(({ sqlite: s }) => {
  return {
    conversation: s.prepare<{
      projectId: number;
      externalId: string;
      metadata: string | null;
      source: ConversationSource;
      createdBy: number | null;
      now: number;
    }>(`
      INSERT INTO conversations (project_id, external_id, metadata, source, created_by, created_at)
      VALUES (@projectId, @externalId, @metadata, @source, @createdBy, @now)`),
    // Positional: binding named parameters from a spread object per message slowed imports markedly.
    message: s.prepare<MessageArgs>(`
      INSERT INTO messages (conversation_id, parent_id, role, content, author_id, model, served_model, params, finish_reason, usage, latency_ms,
                            from_suggestion, suggestion_model, suggestion_edit_distance, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    comparison: s.prepare<{ projectId: number; conversationId: number | bigint; parentMessageId: number | bigint; authorId: number | null; now: number }>(`
      INSERT INTO comparisons (project_id, conversation_id, parent_message_id, author_id, created_at)
      VALUES (@projectId, @conversationId, @parentMessageId, @authorId, @now)`),
  };
});

type ConversationSource = 'import' | 'demonstration' | 'chat';

/** A message row's values in the statement's column order. */
type MessageArgs = [
  conversationId: number | bigint,
  parentId: number | bigint | null,
  role: string,
  content: string,
  authorId: number | null,
  model: string | null,
  servedModel: string | null,
  params: string | null,
  finishReason: string | null,
  usage: string | null,
  latencyMs: number | null,
  fromSuggestion: 0 | 1,
  suggestionModel: string | null,
  suggestionEditDistance: number | null,
  createdAt: number,
];

const messageArgs = (f: MessageFields, now: number): MessageArgs => [
  f.conversationId,
  f.parentId,
  f.role,
  f.content,
  f.authorId,
  f.model,
  f.servedModel,
  f.params,
  f.finishReason,
  f.usage,
  f.latencyMs,
  f.fromSuggestion,
  f.suggestionModel,
  f.suggestionEditDistance,
  now,
];

/** Starts a conversation written in Ordinal (a demonstration or a chat), with a generated id. Call inside a transaction. */
export function insertOwnConversation(
  db: Db,
  projectId: number,
  source: Exclude<ConversationSource, 'import'>,
  createdBy: number,
  metadata?: Record<string, unknown>,
): number {
  return Number(
    writerStatements(db).conversation.run({
      projectId,
      // Export splits hash this id, so it must be stable and unique.
      externalId: `${source}-${crypto.randomUUID()}`,
      metadata: metadata ? JSON.stringify(metadata) : null,
      source,
      createdBy,
      now: Date.now(),
    }).lastInsertRowid,
  );
}

/** Inserts one message; returns its id. Call inside a transaction. */
export function insertMessage(db: Db, fields: Pick<MessageFields, 'conversationId' | 'parentId' | 'role' | 'content'> & Partial<MessageFields>): number {
  return Number(writerStatements(db).message.run(...messageArgs({ ...noProvenance, ...fields }, Date.now())).lastInsertRowid);
}

/**
 * Writes one conversation: its context as a chain of messages, the completions as siblings under
 * the last one and, with two or more, the comparison that ranks them. Call inside a transaction.
 * `authorId` is the person who wrote the context, if any (never asked to rank it).
 */
export function insertConversation(db: Db, projectId: number, line: ImportLine, authorId: number | null) {
  const s = writerStatements(db);
  const now = Date.now();
  const conversationId = s.conversation.run({
    projectId,
    externalId: line.id,
    metadata: line.metadata ? JSON.stringify(line.metadata) : null,
    source: 'import',
    createdBy: authorId,
    now,
  }).lastInsertRowid;
  let parentId: number | bigint | null = null;
  for (const m of line.messages) {
    parentId = s.message.run(conversationId, parentId, m.role, m.content, authorId, null, null, null, null, null, null, 0, null, null, now).lastInsertRowid;
  }
  for (const c of line.completions) {
    const params = c.params ? JSON.stringify(c.params) : null;
    s.message.run(
      conversationId,
      parentId,
      'assistant',
      c.content,
      null,
      c.model ?? null,
      null,
      params,
      c.finish_reason ?? null,
      null,
      null,
      0,
      null,
      null,
      now,
    );
  }
  if (line.completions.length >= 2) {
    s.comparison.run({ projectId, conversationId, parentMessageId: parentId!, authorId, now });
  }
  return conversationId;
}
