import { z } from 'zod';
import { chatMessageSchema } from './conversations.ts';
import { idSchema } from './ids.ts';
import { storedRankingSchema } from './rankings.ts';

/** What a trainer is shown: no model names, candidates in this trainer's own random order. */
export const trainerComparisonSchema = z.object({
  id: idSchema,
  project: z.string(),
  context: z.array(chatMessageSchema),
  candidates: z.array(z.object({ id: idSchema, content: z.string() })),
});
export type TrainerComparison = z.infer<typeof trainerComparisonSchema>;

/** GET /api/v1/projects/:slug/next?kind=comparison (docs/api.md). */
export const nextComparisonSchema = z.object({
  comparison: trainerComparisonSchema,
  leaseExpiresAt: z.string(),
});
export type NextComparison = z.infer<typeof nextComparisonSchema>;

export const candidateProvenanceSchema = z.object({
  id: idSchema,
  content: z.string(),
  model: z.string().nullable(),
  /** The model the server said answered, where it differs from `model`. */
  servedModel: z.string().nullable(),
  params: z.record(z.string(), z.unknown()).nullable(),
  finishReason: z.string().nullable(),
  author: z.string().nullable(),
});

/** What a researcher sees of a comparison: provenance, and every trainer's answer. */
export const researcherComparisonSchema = z.object({
  id: idSchema,
  project: z.string(),
  conversationId: z.string(),
  context: z.array(chatMessageSchema),
  candidates: z.array(candidateProvenanceSchema),
  rankingCount: z.number().int(),
  /** The expected order, when this is a gold item. */
  goldRanking: z.array(z.array(idSchema)).nullable(),
  rankings: z.array(storedRankingSchema.extend({ annotator: z.string() })),
});
export type ResearcherComparison = z.infer<typeof researcherComparisonSchema>;

/** One row of a researcher's list of a project's comparisons. */
export const comparisonListItemSchema = z.object({
  id: idSchema,
  conversationId: z.string(),
  /** The last user turn, cut short. */
  prompt: z.string(),
  candidates: z.number().int(),
  rankingCount: z.number().int(),
  done: z.boolean(),
  createdAt: z.string(),
});
export type ComparisonListItem = z.infer<typeof comparisonListItemSchema>;

export const comparisonListQuerySchema = z.object({
  /** Comparisons with an id above this (keyset paging). */
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  status: z.enum(['all', 'open', 'done', 'ranked']).default('all'),
});

export const comparisonListSchema = z.object({ comparisons: z.array(comparisonListItemSchema), nextAfter: z.number().int().nullable() });
export type ComparisonList = z.infer<typeof comparisonListSchema>;
