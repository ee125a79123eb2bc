import { z } from 'zod';

const fraction = z.number().nullable();

/** How often the candidate shown at each position won, the same for a project and for one trainer. */
const positionBiasSchema = z.object({
  /** Win rate (untied pairwise) of the candidate shown at each position, first shown first. */
  byShownPosition: z.array(fraction),
  contests: z.array(z.number().int()),
});

export const trainerStatsSchema = z.object({
  username: z.string(),
  rankings: z.number().int(),
  /** Pairwise agreement with the leave-one-out consensus of the others, over `agreementComparisons`. */
  agreement: fraction,
  kendallTau: fraction,
  agreementComparisons: z.number().int(),
  /** Share of gold-ordered pairs this trainer ordered the same way (a tie counts as wrong). */
  goldAccuracy: fraction,
  goldAnswered: z.number().int(),
  /** Share of untied pairs of different lengths (in code points) where the longer candidate won. */
  longerPreferred: fraction,
  lengthPairs: z.number().int(),
  /** The "prefers longer" mark: longerPreferred at least 75% over 20 or more lengthPairs (shared/quality.ts). */
  prefersLonger: z.boolean(),
  positionBias: positionBiasSchema,
  medianMs: z.number().nullable(),
  /** Rankings per hour of recorded time on task. */
  perHour: z.number().nullable(),
  /** Rankings submitted exactly in the order shown, without ties. */
  shownOrderSubmissions: z.number().int(),
  /** Rankings faster than a quarter of the project's median time. */
  fastAnswers: z.number().int(),
});
export type TrainerStats = z.infer<typeof trainerStatsSchema>;

/** `npx ordinal stats --json` and GET /projects/:slug/stats (docs/cli.md, stats). */
export const projectStatsSchema = z.object({
  project: z.string(),
  comparisons: z.number().int(),
  completedComparisons: z.number().int(),
  rankings: z.number().int(),
  agreement: z.object({
    pairwise: fraction,
    kendallTau: fraction,
    /** Comparisons ranked by two or more trainers: the figures above stand on these. */
    comparisons: z.number().int(),
    /** Pairs of rankings of the same comparison compared. */
    rankingPairs: z.number().int(),
  }),
  lengthBias: z.object({
    longerPreferred: fraction,
    pairs: z.number().int(),
    byLengthRatio: z.array(z.object({ bucket: z.string(), longerPreferred: fraction, pairs: z.number().int() })),
  }),
  positionBias: positionBiasSchema,
  time: z.object({ medianMs: z.number().nullable(), fastThresholdMs: z.number().nullable() }),
  suspicious: z.object({ shownOrderSubmissions: z.number().int(), fastAnswers: z.number().int() }),
  gold: z.object({ comparisons: z.number().int(), answers: z.number().int(), accuracy: fraction }),
  timeline: z.array(z.object({ date: z.string(), rankings: z.number().int() })),
  trainers: z.array(trainerStatsSchema),
});
export type ProjectStats = z.infer<typeof projectStatsSchema>;

/** The candidate ids in the order the trainer was shown them: the trainer's A, B, C… (shared/answer-labels.ts). */
const shownOrder = z.array(z.string());

export const reviewSchema = z.object({
  flagged: z.array(
    z.object({ comparisonId: z.string(), candidateId: z.string(), flags: z.array(z.string()), annotator: z.string(), shownOrder, at: z.string() }),
  ),
  skips: z.array(z.object({ comparisonId: z.string(), annotator: z.string(), reason: z.string(), shownOrder, at: z.string() })),
  notes: z.array(z.object({ comparisonId: z.string(), annotator: z.string(), note: z.string(), shownOrder, at: z.string() })),
});
export type Review = z.infer<typeof reviewSchema>;

/** GET /projects/:slug/stats/me */
export const myStatsSchema = z.object({ me: trainerStatsSchema.nullable(), projectMedianMs: z.number().nullable() });
export type MyStats = z.infer<typeof myStatsSchema>;
/** GET /projects/:slug/leaderboard */
export const leaderboardSchema = z.object({
  trainers: z.array(trainerStatsSchema.pick({ username: true, rankings: true, agreement: true, goldAccuracy: true })),
});
export type Leaderboard = z.infer<typeof leaderboardSchema>;
