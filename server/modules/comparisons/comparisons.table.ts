import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt, id, json, timestamp } from '#server/db/columns.ts';
import type { RankingGroups } from '#shared/rankings.ts';
import { conversations, messages } from '#server/modules/conversations/conversations.table.ts';
import { projects } from '#server/modules/projects/projects.table.ts';
import { users } from '#server/modules/users/users.table.ts';

/** A parent message whose 2–9 assistant children are ranked; the context is the path to the parent. */
export const comparisons = sqliteTable(
  'comparisons',
  {
    id: id(),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id),
    parentMessageId: integer('parent_message_id')
      .notNull()
      .references(() => messages.id),
    /** Whoever wrote the context (a chat's trainer): never asked to rank it. */
    authorId: integer('author_id').references(() => users.id),
    /** Trainers who have answered; kept in step with `rankings` in the same transaction. */
    rankingCount: integer('ranking_count').notNull().default(0),
    /** rankingCount has reached the project's overlap (or it is gold): the regular queue skips it without counting. */
    done: integer('done', { mode: 'boolean' }).notNull().default(false),
    /**
     * Until when the comparison is certainly full: when a lease filled its last slot, the earliest
     * expiry among its live leases (0 once a slot may be free). Lets `next` pass over comparisons
     * other trainers hold without counting their leases; the exact count still decides the rest.
     */
    fullUntil: integer('full_until').notNull().default(0),
    /** A researcher's expected order: the comparison is then a gold item, mixed into every trainer's queue. */
    goldRanking: json<RankingGroups>('gold_ranking'),
    /** Rankings asked for beyond the project's overlap: a researcher sent the comparison back for more. */
    extraOverlap: integer('extra_overlap').notNull().default(0),
    /**
     * Its trainers' agreement (shared/quality.ts `comparisonAgreement`) and their consensus
     * (shared/consensus.ts), as its current rankings give them: stored, so that the list sorts and
     * filters on them without reading rankings. Written in the transaction that stores a ranking
     * (figures.ts); consensus is null until the first ranking.
     */
    agreement: real('agreement'),
    consensus: json<RankingGroups>('consensus'),
    /** Trainers who skipped it, and rankings that flag one of its answers: kept by the triggers of migrations/0008. */
    skipCount: integer('skip_count').notNull().default(0),
    flagCount: integer('flag_count').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('comparisons_parent_message_idx').on(t.parentMessageId),
    index('comparisons_queue_idx').on(t.projectId, t.done, t.id),
    // Exports and counts walk one project's comparisons in id order, a page at a time.
    index('comparisons_project_order_idx').on(t.projectId, t.id),
    index('comparisons_conversation_id_idx').on(t.conversationId),
    index('comparisons_author_id_idx').on(t.authorId),
    // The researcher's list walks one of these, a page at a time, whatever its filter (list.ts).
    index('comparisons_agreement_idx')
      .on(t.projectId, t.agreement, t.id)
      .where(sql`${t.agreement} IS NOT NULL`),
    index('comparisons_gold_idx')
      .on(t.projectId, t.id)
      .where(sql`${t.goldRanking} IS NOT NULL`),
    index('comparisons_skipped_idx')
      .on(t.projectId, t.id)
      .where(sql`${t.skipCount} > 0`),
    index('comparisons_flagged_idx')
      .on(t.projectId, t.id)
      .where(sql`${t.flagCount} > 0`),
    // Ranked comparisons whose figures were never computed (rankings stored before migration 0008): figures.ts fills them in.
    index('comparisons_figures_pending_idx')
      .on(t.id)
      .where(sql`${t.consensus} IS NULL AND ${t.rankingCount} > 0`),
  ],
);

/**
 * A trainer's lease on a comparison. Live while not completed, not skipped and not expired;
 * one per trainer per comparison, so nobody is handed the same comparison twice.
 */
export const assignments = sqliteTable(
  'assignments',
  {
    id: id(),
    comparisonId: integer('comparison_id')
      .notNull()
      .references(() => comparisons.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    /** Candidate ids in the order this trainer was shown them. */
    shownOrder: json<string[]>('shown_order').notNull(),
    leasedAt: timestamp('leased_at').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
    completedAt: timestamp('completed_at'),
    skippedAt: timestamp('skipped_at'),
    skipReason: text('skip_reason'),
  },
  (t) => [
    uniqueIndex('assignments_comparison_user_idx').on(t.comparisonId, t.userId),
    index('assignments_user_open_idx').on(t.userId, t.completedAt, t.skippedAt),
    index('assignments_live_idx').on(t.comparisonId, t.expiresAt),
    // The review queue's skips, newest first, without reading the assignments that were not skipped.
    index('assignments_skipped_idx')
      .on(t.skippedAt)
      .where(sql`${t.skippedAt} IS NOT NULL`),
  ],
);

/** The current answer of one trainer to one comparison. Every accepted version is also in rankingRevisions. */
export const rankings = sqliteTable(
  'rankings',
  {
    id: id(),
    comparisonId: integer('comparison_id')
      .notNull()
      .references(() => comparisons.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    ranking: json<RankingGroups>('ranking').notNull(),
    ratings: json<Record<string, Record<string, number>>>('ratings').notNull(),
    flags: json<Record<string, string[]>>('flags').notNull(),
    note: text('note').notNull().default(''),
    durationMs: integer('duration_ms'),
    shownOrder: json<string[]>('shown_order').notNull(),
    suggestionVisible: integer('suggestion_visible', { mode: 'boolean' }).notNull().default(false),
    revision: integer('revision').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('rankings_comparison_user_idx').on(t.comparisonId, t.userId),
    index('rankings_user_id_idx').on(t.userId),
    // The review queue's flags and notes, newest first, without reading the rankings that have none.
    index('rankings_reported_idx')
      .on(t.updatedAt)
      .where(sql`${t.flags} != '{}' OR ${t.note} != ''`),
  ],
);
export type RankingRow = typeof rankings.$inferSelect;

/** Append-only history: every version of every ranking as it was submitted. */
export const rankingRevisions = sqliteTable(
  'ranking_revisions',
  {
    id: id(),
    rankingId: integer('ranking_id')
      .notNull()
      .references(() => rankings.id),
    revision: integer('revision').notNull(),
    ranking: json<RankingGroups>('ranking').notNull(),
    ratings: json<Record<string, Record<string, number>>>('ratings').notNull(),
    flags: json<Record<string, string[]>>('flags').notNull(),
    note: text('note').notNull(),
    durationMs: integer('duration_ms'),
    submittedAt: timestamp('submitted_at').notNull(),
  },
  (t) => [uniqueIndex('ranking_revisions_ranking_revision_idx').on(t.rankingId, t.revision)],
);

/**
 * Comparisons whose search document (the FTS5 table `comparison_search`, migrations/0008) is to be
 * written, or removed first (`reindex`: the comparison was deleted): filled by triggers, which cost
 * an import next to nothing, and emptied in batches by search-index.ts. Written by a trigger, each
 * document cost an import four times its own writing (docs/decisions/0008).
 */
export const comparisonSearchQueue = sqliteTable('comparison_search_queue', {
  comparisonId: integer('comparison_id').primaryKey(),
  reindex: integer('reindex', { mode: 'boolean' }).notNull().default(false),
});
