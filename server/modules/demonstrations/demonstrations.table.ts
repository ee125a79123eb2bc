import { index, integer, sqliteTable } from 'drizzle-orm/sqlite-core';
import { createdAt, id } from '#server/db/columns.ts';
import { conversations, messages } from '#server/modules/conversations/conversations.table.ts';
import { projects } from '#server/modules/projects/projects.table.ts';
import { users } from '#server/modules/users/users.table.ts';

/** A path written by a trainer playing both sides, from the root to `leafMessageId`. */
export const demonstrations = sqliteTable(
  'demonstrations',
  {
    id: id(),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id),
    leafMessageId: integer('leaf_message_id')
      .notNull()
      .references(() => messages.id),
    /** The imported prompt it started from, if any. */
    promptConversationId: integer('prompt_conversation_id').references(() => conversations.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('demonstrations_project_id_idx').on(t.projectId, t.id),
    index('demonstrations_user_id_idx').on(t.userId),
    index('demonstrations_conversation_id_idx').on(t.conversationId),
    index('demonstrations_leaf_message_id_idx').on(t.leafMessageId),
    index('demonstrations_prompt_conversation_id_idx').on(t.promptConversationId),
  ],
);
