import { z } from 'zod';
import { idSchema } from './ids.ts';

/** Candidates best first; a group of two or more is a tie. */
export const rankingGroupsSchema = z.array(z.array(idSchema).min(1, 'a group is empty')).min(1);
export type RankingGroups = z.infer<typeof rankingGroupsSchema>;

/** The body of PUT /api/v1/comparisons/:id/ranking (docs/api.md). */
export const submitRankingSchema = z.strictObject({
  ranking: rankingGroupsSchema,
  /** candidate id → rating key → value */
  ratings: z.record(idSchema, z.record(z.string(), z.number().int())).optional(),
  /** candidate id → flag keys */
  flags: z.record(idSchema, z.array(z.string()).max(30)).optional(),
  note: z.string().max(10_000).optional(),
  durationMs: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600 * 1000)
    .optional(),
});
export type SubmitRanking = z.infer<typeof submitRankingSchema>;

export const skipSchema = z.strictObject({ reason: z.string().trim().min(1, 'give a reason').max(1000) });

export const storedRankingSchema = z.object({
  comparisonId: idSchema,
  ranking: rankingGroupsSchema,
  ratings: z.record(z.string(), z.record(z.string(), z.number())),
  flags: z.record(z.string(), z.array(z.string())),
  note: z.string(),
  durationMs: z.number().int().nullable(),
  shownOrder: z.array(idSchema),
  revision: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type StoredRanking = z.infer<typeof storedRankingSchema>;
