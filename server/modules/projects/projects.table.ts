import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { createdAt, id, json, timestamp } from '#server/db/columns.ts';
import type { Flag, RatingQuestion } from '#shared/projects.ts';
import { defaultSampling, type SamplingSettings } from '#shared/models.ts';
import { users } from '#server/modules/users/users.table.ts';

export const projects = sqliteTable('projects', {
  id: id(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  guidelines: text('guidelines').notNull().default(''),
  overlap: integer('overlap').notNull().default(1),
  allowTies: integer('allow_ties', { mode: 'boolean' }).notNull().default(false),
  ratings: json<RatingQuestion[]>('ratings').notNull(),
  flags: json<Flag[]>('flags').notNull(),
  leaseMinutes: integer('lease_minutes').notNull().default(30),
  /** An OpenAI-compatible endpoint; all three null when the project has no model. */
  modelBaseUrl: text('model_base_url'),
  modelName: text('model_name'),
  /** Kept on the server only: never sent to a browser, never exported. */
  modelApiKey: text('model_api_key'),
  sampling: json<SamplingSettings>('sampling').notNull().default(defaultSampling),
  /** Share of `next` answers that are gold comparisons, unannounced. */
  goldRate: real('gold_rate').notNull().default(0),
  /** Trainers may see each other's figures on a leaderboard. */
  leaderboard: integer('leaderboard', { mode: 'boolean' }).notNull().default(false),
  archivedAt: timestamp('archived_at'),
  createdBy: integer('created_by').references(() => users.id),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at'),
}, (t) => [index('projects_created_by_idx').on(t.createdBy)]);
export type ProjectRow = typeof projects.$inferSelect;
