import type { Db } from '#server/db/client.ts';
import type { ImportLine } from '#shared/conversations.ts';

const statements = new WeakMap<Db, ReturnType<typeof prepare>>();
function prepare(db: Db) {
  const s = db.sqlite;
  return {
    conversation: s.prepare<{ projectId: number; externalId: string; metadata: string | null; createdBy: number | null; now: number }>(`
      INSERT INTO conversations (project_id, external_id, metadata, created_by, created_at)
      VALUES (@projectId, @externalId, @metadata, @createdBy, @now)`),
    message: s.prepare<{
      conversationId: number | bigint;
      parentId: number | bigint | null;
      role: string;
      content: string;
      authorId: number | null;
      model: string | null;
      params: string | null;
      finishReason: string | null;
      now: number;
    }>(`
      INSERT INTO messages (conversation_id, parent_id, role, content, author_id, model, params, finish_reason, created_at)
      VALUES (@conversationId, @parentId, @role, @content, @authorId, @model, @params, @finishReason, @now)`),
    comparison: s.prepare<{ projectId: number; conversationId: number | bigint; parentMessageId: number | bigint; authorId: number | null; now: number }>(`
      INSERT INTO comparisons (project_id, conversation_id, parent_message_id, author_id, created_at)
      VALUES (@projectId, @conversationId, @parentMessageId, @authorId, @now)`),
  };
}
export function writerStatements(db: Db) {
  let s = statements.get(db);
  if (!s) statements.set(db, (s = prepare(db)));
  return s;
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
    createdBy: authorId,
    now,
  }).lastInsertRowid;
  let parentId: number | bigint | null = null;
  for (const m of line.messages) {
    parentId = s.message.run({ conversationId, parentId, role: m.role, content: m.content, authorId, model: null, params: null, finishReason: null, now })
      .lastInsertRowid;
  }
  for (const c of line.completions) {
    s.message.run({
      conversationId,
      parentId,
      role: 'assistant',
      content: c.content,
      authorId: null,
      model: c.model ?? null,
      params: c.params ? JSON.stringify(c.params) : null,
      finishReason: c.finish_reason ?? null,
      now,
    });
  }
  if (line.completions.length >= 2) {
    s.comparison.run({ projectId, conversationId, parentMessageId: parentId!, authorId, now });
  }
  return conversationId;
}
