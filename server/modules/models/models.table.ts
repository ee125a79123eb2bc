import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp } from '#server/db/columns.ts';
import { messages } from '#server/modules/conversations/conversations.table.ts';

/**
 * What Ordinal has learned about a model server, by its base URL: whether one request may ask for
 * several choices (`n`). vLLM and hosted APIs take it; llama.cpp refuses it and Ollama ignores it.
 * Kept in the database so that every process, the CLI's included, pays for the lesson once.
 */
export const modelEndpoints = sqliteTable('model_endpoints', {
  baseUrl: text('base_url').primaryKey(),
  takesN: integer('takes_n', { mode: 'boolean' }).notNull(),
  learnedAt: timestamp('learned_at').notNull(),
});

/**
 * Imported prompts the last sampling run left without candidates, and why (the model gave the same
 * answer every time). The row goes when the prompt is sampled; a prompt with a row still waits.
 */
export const unsampledPrompts = sqliteTable('unsampled_prompts', {
  messageId: integer('message_id')
    .primaryKey()
    .references(() => messages.id),
  reason: text('reason').notNull(),
  at: timestamp('at').notNull(),
});
