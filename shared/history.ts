import { z } from 'zod';
import { trainerComparisonSchema } from './comparisons.ts';
import { idSchema } from './ids.ts';
import { rankingGroupsSchema, storedRankingSchema } from './rankings.ts';

/** GET /api/v1/projects/:slug/rankings/mine (docs/api.md): the asker's own rankings, newest first, a page at a time. */
export const myRankingsQuerySchema = z.object({
  /** Keyset paging: the rankings submitted before this one, as `nextBefore` gives it; none: from the newest. */
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type MyRankingsQuery = z.output<typeof myRankingsQuerySchema>;

/** One of the asker's rankings as their history lists it. */
export const myRankingSchema = z.object({
  comparisonId: idSchema,
  /** The first line of the turn the answers reply to, cut short. */
  prompt: z.string(),
  /** The current version: candidate ids in groups, best first. */
  ranking: rankingGroupsSchema,
  /** The order the asker was shown the candidates in: their letters A, B, C… (shared/answer-labels.ts `shownLabels`). */
  shownOrder: z.array(idSchema),
  /** 1 for a ranking never changed; each revision adds one. */
  revision: z.number().int(),
  /** When it was first submitted (the list's order), and last changed. */
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type MyRanking = z.infer<typeof myRankingSchema>;

export const myRankingsSchema = z.object({
  rankings: z.array(myRankingSchema),
  /**
   * Where the next page starts (pass it as `before`), null at the end. A page may hold fewer than
   * `limit` rankings before the end: each request looks through a bounded number of the asker's
   * rankings, those in other projects included.
   */
  nextBefore: z.number().int().nullable(),
});
export type MyRankings = z.infer<typeof myRankingsSchema>;

/** GET /api/v1/comparisons/:id/mine: a comparison as the asker was shown it, with their current ranking (null before they rank it). */
export const myComparisonSchema = z.object({ comparison: trainerComparisonSchema, ranking: storedRankingSchema.nullable() });
export type MyComparison = z.infer<typeof myComparisonSchema>;
