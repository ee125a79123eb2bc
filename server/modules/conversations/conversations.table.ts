import { type AnySQLiteColumn, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt, id, json } from '#server/db/columns.ts';
import type { Role } from '#shared/conversations.ts';
import { projects } from '#server/modules/projects/projects.table.ts';
import { users } from '#server/modules/users/users.table.ts';

/** A conversation is a tree of messages (DESIGN §1); this row holds what the whole tree shares. */
export const conversations = sqliteTable(
  'conversations',
  {
    id: id(),
    projectId: integer('project_id').notNull().references(() => projects.id),
    /** The importer's id, or a generated one. Export splits hash it, so they survive a re-import. */
    externalId: text('external_id').notNull(),
    metadata: json<Record<string, unknown>>('metadata'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('conversations_project_external_idx').on(t.projectId, t.externalId),
    index('conversations_created_by_idx').on(t.createdBy),
  ],
);

/**
 * One node of a conversation tree. Siblings are alternatives for the same turn; provenance is
 * either a person (authorId) or a model (model, params, finishReason).
 */
export const messages = sqliteTable(
  'messages',
  {
    id: id(),
    conversationId: integer('conversation_id').notNull().references(() => conversations.id),
    parentId: integer('parent_id').references((): AnySQLiteColumn => messages.id),
    role: text('role', { enum: ['system', 'user', 'assistant'] }).$type<Role>().notNull(),
    content: text('content').notNull(),
    authorId: integer('author_id').references(() => users.id),
    model: text('model'),
    params: json<Record<string, unknown>>('params'),
    finishReason: text('finish_reason'),
    createdAt: createdAt(),
  },
  (t) => [
    index('messages_conversation_id_idx').on(t.conversationId),
    index('messages_parent_id_idx').on(t.parentId),
    index('messages_author_id_idx').on(t.authorId),
  ],
);
export type MessageRow = typeof messages.$inferSelect;
