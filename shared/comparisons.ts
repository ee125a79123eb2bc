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

const metadataSchema = z.record(z.string(), z.unknown()).nullable();

/** What a researcher sees of a comparison: where it came from, provenance, and every trainer's answer. */
export const researcherComparisonSchema = z.object({
  id: idSchema,
  project: z.string(),
  conversationId: z.string(),
  /** The import line's `id` (for a chat or a demonstration, the id Ordinal gave it). */
  sourceId: z.string(),
  /** The import line's `metadata`, as imported. */
  metadata: metadataSchema,
  context: z.array(chatMessageSchema),
  /** In candidate id order, the order of the import line's completions: the researcher's answers A, B, C… (shared/answer-labels.ts). */
  candidates: z.array(candidateProvenanceSchema),
  rankingCount: z.number().int(),
  /** Rankings it asks for: the project's overlap plus `extraOverlap`, those a researcher asked for on top. */
  overlap: z.number().int(),
  extraOverlap: z.number().int(),
  /** Its rankings have reached `overlap` (or it is gold): the queue hands it out no more. */
  done: z.boolean(),
  /** The expected order, when this is a gold item. */
  goldRanking: z.array(z.array(idSchema)).nullable(),
  /** Pairwise agreement among its rankings (null with fewer than two), as the export's minAgreement computes it. */
  agreement: z.number().nullable(),
  /** Their consensus by ranked pairs (docs/decisions/0002), null before the first ranking. */
  consensus: z.array(z.array(idSchema)).nullable(),
  rankings: z.array(storedRankingSchema.extend({ annotator: z.string() })),
  /** Trainers who gave it back, with their reason and the order they were shown the answers in. */
  skips: z.array(z.object({ annotator: z.string(), reason: z.string(), shownOrder: z.array(idSchema), at: z.string() })),
});
export type ResearcherComparison = z.infer<typeof researcherComparisonSchema>;

/** One row of a researcher's list of a project's comparisons. */
export const comparisonListItemSchema = z.object({
  id: idSchema,
  conversationId: z.string(),
  sourceId: z.string(),
  metadata: metadataSchema,
  /** The last user turn, cut short. */
  prompt: z.string(),
  candidates: z.number().int(),
  rankingCount: z.number().int(),
  /** Rankings asked for beyond the project's overlap. */
  extraOverlap: z.number().int(),
  done: z.boolean(),
  gold: z.boolean(),
  agreement: z.number().nullable(),
  consensus: z.array(z.array(idSchema)).nullable(),
  /** Trainers who skipped it, and rankings that flag one of its answers. */
  skips: z.number().int(),
  flagged: z.number().int(),
  createdAt: z.string(),
});
export type ComparisonListItem = z.infer<typeof comparisonListItemSchema>;

/**
 * What the list can show: `open` (the queue still hands it out), `complete` (its rankings are in,
 * not gold), `disputed` (agreement under `disputedBelow`), `gold`, `skipped` (by at least one
 * trainer), `flagged` (an answer flagged in at least one ranking), `ranked` (at least one ranking).
 */
export const comparisonStatuses = ['all', 'open', 'complete', 'disputed', 'gold', 'skipped', 'flagged', 'ranked'] as const;
export type ComparisonStatus = (typeof comparisonStatuses)[number];

/** Below this agreement a comparison is disputed, unless the researcher says otherwise. */
export const DISPUTED_BELOW = 0.6;

const blankIsNone = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

export const comparisonListQuerySchema = z.object({
  /** Keyset paging: the page after this comparison (0: from the start), as `nextAfter` gives it. */
  after: z.coerce.number().int().min(0).default(0),
  /** With sort=agreement, the agreement of that comparison (`nextAfterAgreement`). */
  afterAgreement: z.coerce.number().min(0).max(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  status: z.enum(comparisonStatuses).default('all'),
  disputedBelow: z.coerce.number().min(0).max(1).default(DISPUTED_BELOW),
  /** By id (the import's order), or by agreement: then only comparisons with an agreement (ranked by two or more) are listed. */
  sort: z.enum(['id', 'agreement']).default('id'),
  order: z.enum(['asc', 'desc']).default('asc'),
  /** Words that must all appear in the comparison's source id, metadata, context or answers (whole words, any case). */
  q: z.preprocess(blankIsNone, z.string().trim().max(500).optional()),
  /** Only comparisons whose import line's metadata has this top-level key, */
  metaKey: z.preprocess(blankIsNone, z.string().trim().max(200).optional()),
  /** with this value, exactly as written (a number, true, false or null as in JSON); none: any value. */
  metaValue: z.preprocess(blankIsNone, z.string().max(500).optional()),
});
export type ComparisonListQuery = z.output<typeof comparisonListQuerySchema>;

export const comparisonListSchema = z.object({
  comparisons: z.array(comparisonListItemSchema),
  /**
   * Where the next page starts (pass it as `after`), null at the end. A page may hold fewer than
   * `limit` comparisons before the end: each request looks through a bounded number of them.
   */
  nextAfter: z.number().int().nullable(),
  /** With sort=agreement: pass it as `afterAgreement`. */
  nextAfterAgreement: z.number().nullable(),
  /**
   * Comparisons not in the search index yet (counted up to 10,000): just imported or written, they
   * are added within seconds, and until then a search (`q`, or the metadata filter by id) misses them.
   */
  searchPending: z.number().int(),
});
export type ComparisonList = z.infer<typeof comparisonListSchema>;
