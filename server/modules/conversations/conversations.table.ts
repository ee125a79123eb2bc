import { type AnySQLiteColumn, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt, id, json, timestamp } from '#server/db/columns.ts';
import type { Role } from '#shared/conversations.ts';
import { projects } from '#server/modules/projects/projects.table.ts';
import { users } from '#server/modules/users/users.table.ts';

/** A conversation is a tree of messages; this row holds what the whole tree shares. */
export const conversations = sqliteTable(
  'conversations',
  {
    id: id(),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    /** The importer's id, or a generated one. Export splits hash it, so they survive a re-import. */
    externalId: text('external_id').notNull(),
    metadata: json<Record<string, unknown>>('metadata'),
    /** How the tree began: an imported line, a trainer's demonstration, or a trainer's chat with the model. */
    source: text('source', { enum: ['import', 'demonstration', 'chat'] })
      .notNull()
      .default('import'),
    /** A chat is ended once, when its comparison is made. */
    endedAt: timestamp('ended_at'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('conversations_project_external_idx').on(t.projectId, t.externalId), index('conversations_created_by_idx').on(t.createdBy)],
);

/**
 * One node of a conversation tree. Siblings are alternatives for the same turn; provenance is
 * either a person (authorId) or a model (model, params, finishReason).
 */
export const messages = sqliteTable(
  'messages',
  {
    id: id(),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id),
    parentId: integer('parent_id').references((): AnySQLiteColumn => messages.id),
    role: text('role', { enum: ['system', 'user', 'assistant'] })
      .$type<Role>()
      .notNull(),
    content: text('content').notNull(),
    authorId: integer('author_id').references(() => users.id),
    model: text('model'),
    /** The model the server said answered, where it differs from `model`. */
    servedModel: text('served_model'),
    params: json<Record<string, unknown>>('params'),
    finishReason: text('finish_reason'),
    /** Token counts reported by the model server. */
    usage: json<Record<string, number>>('usage'),
    latencyMs: integer('latency_ms'),
    /** A person's message that began as a model suggestion: which model, and the edit distance from it. */
    fromSuggestion: integer('from_suggestion', { mode: 'boolean' }).notNull().default(false),
    suggestionModel: text('suggestion_model'),
    suggestionEditDistance: integer('suggestion_edit_distance'),
    createdAt: createdAt(),
  },
  (t) => [
    index('messages_conversation_id_idx').on(t.conversationId),
    index('messages_parent_id_idx').on(t.parentId),
    index('messages_author_id_idx').on(t.authorId),
  ],
);
export type MessageRow = typeof messages.$inferSelect;
