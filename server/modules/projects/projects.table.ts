import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { createdAt, id, json, timestamp } from '#server/db/columns.ts';
import type { Flag, RatingQuestion } from '#shared/projects.ts';
import { defaultSampling, type SamplingSettings } from '#shared/models.ts';
import { users } from '#server/modules/users/users.table.ts';

export const projects = sqliteTable(
  'projects',
  {
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
    /** A single `$` starts math in this project's Markdown; otherwise it is text (client/src/components/Markdown.tsx). */
    singleDollarMath: integer('single_dollar_math', { mode: 'boolean' }).notNull().default(false),
    archivedAt: timestamp('archived_at'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at'),
  },
  (t) => [index('projects_created_by_idx').on(t.createdBy)],
);
export type ProjectRow = typeof projects.$inferSelect;

/**
 * The slugs of the hidden projects imports stage their rows under (conversations/staging.ts). `~` is
 * never in a slug (slugSchema), so no route can name one; listProjects leaves them out.
 */
export const STAGING_SLUG_PREFIX = '~import-';

/**
 * A project's totals, kept by triggers (migrations/0006) in the transaction of every change to its
 * comparisons and rankings, so that the project page, the home page and export counts read one
 * row instead of counting a million. `dataVersion` grows with every such change: what is computed
 * from a project's rankings (its quality figures) is cached until it moves.
 */
export const projectCounts = sqliteTable('project_counts', {
  projectId: integer('project_id')
    .primaryKey()
    .references(() => projects.id),
  comparisons: integer('comparisons').notNull().default(0),
  /** Comparisons that reached the overlap, gold items excluded (every trainer may get those). */
  completed: integer('completed').notNull().default(0),
  rankings: integer('rankings').notNull().default(0),
  gold: integer('gold').notNull().default(0),
  dataVersion: integer('data_version').notNull().default(0),
});
