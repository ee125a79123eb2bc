import { distance } from 'fastest-levenshtein';
import type { Db } from '#server/db/client.ts';
import type { AuthUser } from '#server/http/auth.ts';
import { audit } from '#server/modules/audit/audit.ts';
import { pathTo } from '#server/modules/conversations/conversations.repository.ts';
import { insertMessage, insertOwnConversation } from '#server/modules/conversations/conversations.writer.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import type { Prompt, SubmitDemonstration } from '#shared/demonstrations.ts';
import { projectArchived } from '#server/modules/projects/projects.errors.ts';
import { promptChanged, unknownPrompt } from './demonstrations.errors.ts';

/** Longer texts get no edit distance (null): Levenshtein on two 20,000-character texts already takes ~70 ms. */
const MAX_DISTANCE_CHARS = 20_000;

/** Imported conversations without candidates: prompts a trainer may start a demonstration from. */
const PROMPTS = `
  FROM conversations v
  WHERE v.project_id = @projectId AND v.source = 'import'
    AND NOT EXISTS (SELECT 1 FROM comparisons c WHERE c.conversation_id = v.id)`;

const leafOf = (db: Db, conversationId: number) =>
  db.sqlite.prepare<[number], { id: number }>('SELECT max(id) AS id FROM messages WHERE conversation_id = ?').get(conversationId)!.id;

/** The prompt with the fewest demonstrations that this trainer has not demonstrated yet, or null. */
export function nextPrompt(db: Db, project: ProjectRow, user: AuthUser): Prompt | null {
  const row = db.sqlite
    .prepare<{ projectId: number; userId: number }, { id: number }>(
      `
      SELECT v.id ${PROMPTS}
        AND NOT EXISTS (SELECT 1 FROM demonstrations d WHERE d.prompt_conversation_id = v.id AND d.user_id = @userId)
      ORDER BY (SELECT count(*) FROM demonstrations d WHERE d.prompt_conversation_id = v.id), v.id
      LIMIT 1`,
    )
    .get({ projectId: project.id, userId: user.id });
  return row ? { id: String(row.id), messages: pathTo(db, leafOf(db, row.id)) } : null;
}

/**
 * Stores a dialogue written by a trainer playing both sides as a conversation of its own, every
 * message authored by them; a message that began as a model suggestion records the model and its
 * edit distance (Levenshtein, in characters) from the suggestion.
 */
export function submitDemonstration(db: Db, project: ProjectRow, user: AuthUser, body: SubmitDemonstration) {
  if (project.archivedAt !== null) throw projectArchived(project.slug, ' and takes no more work');
  // Edit distance costs time in the product of the lengths: computed before taking the write lock, and only up to a size.
  const distances = body.messages.map((m) =>
    m.suggestion && Math.max(m.suggestion.content.length, m.content.length) <= MAX_DISTANCE_CHARS ? distance(m.suggestion.content, m.content) : null,
  );
  return db.sqlite
    .transaction(() => {
      let promptConversationId: number | null = null;
      if (body.promptId !== undefined) {
        const prompt = db.sqlite
          .prepare<{ projectId: number; id: number }, { id: number }>(`SELECT v.id ${PROMPTS} AND v.id = @id`)
          .get({ projectId: project.id, id: Number(body.promptId) });
        if (!prompt) throw unknownPrompt(body.promptId, project.slug);
        const start = pathTo(db, leafOf(db, prompt.id));
        if (start.some((m, i) => body.messages[i]?.role !== m.role || body.messages[i]?.content !== m.content)) {
          throw promptChanged();
        }
        promptConversationId = prompt.id;
      }
      const conversationId = insertOwnConversation(
        db,
        project.id,
        'demonstration',
        user.id,
        promptConversationId === null ? undefined : { promptId: String(promptConversationId) },
      );
      let parentId: number | null = null;
      for (const [i, m] of body.messages.entries()) {
        parentId = insertMessage(db, {
          conversationId,
          parentId,
          role: m.role,
          content: m.content,
          authorId: user.id,
          fromSuggestion: m.suggestion ? 1 : 0,
          suggestionModel: m.suggestion ? (m.suggestion.model ?? project.modelName) : null,
          suggestionEditDistance: distances[i] ?? null,
        });
      }
      const id = Number(
        db.sqlite
          .prepare(
            'INSERT INTO demonstrations (project_id, user_id, conversation_id, leaf_message_id, prompt_conversation_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(project.id, user.id, conversationId, parentId, promptConversationId, Date.now()).lastInsertRowid,
      );
      audit(db, user.id, 'demonstration.create', `demonstration:${id}`, {
        messages: body.messages.length,
        suggestions: body.messages.filter((m) => m.suggestion).length,
      });
      return { id: String(id), conversationId: String(conversationId), messages: body.messages.length, createdAt: new Date().toISOString() };
    })
    .immediate();
}
