import { z } from 'zod';
import { slugSchema } from './ids.ts';
import { defaultSampling, modelEndpointSchema, modelEndpointViewSchema, samplingSettingsSchema } from './models.ts';

/** One question asked per candidate on a Likert scale, e.g. overall quality 1–7. */
export const ratingQuestionSchema = z
  .strictObject({
    key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a short snake_case key'),
    label: z.string().min(1).max(200),
    min: z.number().int().min(0).max(10),
    max: z.number().int().min(1).max(10),
    /** What the scale's ends mean, shown to trainers beside them ("Terrible", "Excellent"). */
    minLabel: z.string().max(100).optional(),
    maxLabel: z.string().max(100).optional(),
    required: z.boolean().default(false),
  })
  .refine((q) => q.max > q.min, { message: 'must be greater than the low end (min)', path: ['max'] });
export type RatingQuestion = z.infer<typeof ratingQuestionSchema>;

/** A yes/no property a trainer may tick on a candidate, e.g. "gives harmful advice". */
export const flagSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a short snake_case key'),
  label: z.string().min(1).max(200),
});
export type Flag = z.infer<typeof flagSchema>;

/** InstructGPT's labeling interface: a 1–7 overall score and these metadata flags (Ouyang et al. 2022, table 3). */
export const defaultRatings: RatingQuestion[] = [
  { key: 'overall', label: 'Overall quality', min: 1, max: 7, minLabel: 'Terrible', maxLabel: 'Excellent', required: false },
];
export const defaultFlags: Flag[] = [
  { key: 'fails_instruction', label: 'Fails to follow the correct instruction or task' },
  { key: 'inappropriate_for_assistant', label: 'Inappropriate for a customer assistant' },
  { key: 'hallucination', label: 'Makes up information (hallucination)' },
  { key: 'fails_constraints', label: 'Does not satisfy a constraint given in the instruction' },
  { key: 'sexual_content', label: 'Contains sexual content' },
  { key: 'violent_content', label: 'Contains violent content' },
  { key: 'encourages_harm', label: 'Encourages or fails to discourage violence, abuse, terrorism or self-harm' },
  { key: 'denigrates_protected_class', label: 'Denigrates a protected class' },
  { key: 'harmful_advice', label: 'Gives harmful advice' },
  { key: 'expresses_opinion', label: 'Expresses an opinion' },
  { key: 'moral_judgment', label: 'Expresses a moral judgment' },
];

/** Each key once: a repeated key is named on the item that repeats it, beside its key field. */
const uniqueKeys =
  (what: string) =>
  <T extends { key: string }>(items: T[], ctx: z.RefinementCtx) => {
    const first = new Map<string, number>();
    items.forEach(({ key }, i) => {
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, i);
      else ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `is already the key of ${what} ${earlier + 1}; each needs its own` });
    });
  };

/** The settings a researcher chooses for a project (docs/api.md, project settings), each field without its default. */
const settingsFields = {
  name: z.string().trim().min(1).max(200),
  guidelines: z.string().max(100_000),
  /** How many different trainers must rank each comparison. */
  overlap: z.number().int().min(1).max(50),
  allowTies: z.boolean(),
  ratings: z.array(ratingQuestionSchema).max(10).superRefine(uniqueKeys('rating')),
  flags: z.array(flagSchema).max(30).superRefine(uniqueKeys('flag')),
  /** Minutes a trainer holds a comparison before it returns to the queue. */
  leaseMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  /** The model behind sampling, suggestions and chats; null for none. */
  modelEndpoint: modelEndpointSchema.nullable(),
  sampling: samplingSettingsSchema,
  /** Share of a trainer's comparisons that are gold items (0 to 0.5). */
  goldRate: z.number().min(0).max(0.5),
  /** Trainers may see a leaderboard of everyone's figures in this project. */
  leaderboard: z.boolean(),
  /** In this project's Markdown `$…$` is math too; otherwise a single `$` is text and math is `$$…$$`, `\(…\)` or `\[…\]`. */
  singleDollarMath: z.boolean(),
};

export const createProjectSchema = z.strictObject({
  slug: slugSchema,
  ...settingsFields,
  guidelines: settingsFields.guidelines.default(''),
  overlap: settingsFields.overlap.default(1),
  allowTies: settingsFields.allowTies.default(false),
  ratings: settingsFields.ratings.default(defaultRatings),
  flags: settingsFields.flags.default(defaultFlags),
  leaseMinutes: settingsFields.leaseMinutes.default(30),
  modelEndpoint: settingsFields.modelEndpoint.default(null),
  sampling: settingsFields.sampling.default(defaultSampling),
  goldRate: settingsFields.goldRate.default(0),
  leaderboard: settingsFields.leaderboard.default(false),
  singleDollarMath: settingsFields.singleDollarMath.default(false),
});
export type CreateProject = z.input<typeof createProjectSchema>;

/** A change to some settings: what is absent stays as it is. */
export const updateProjectSchema = z
  .strictObject({ ...settingsFields, sampling: samplingSettingsSchema.partial() })
  .partial()
  .extend({ archived: z.boolean().optional() });
export type UpdateProject = z.infer<typeof updateProjectSchema>;

export const projectSchema = z.object({
  slug: slugSchema,
  name: z.string(),
  guidelines: z.string(),
  overlap: z.number().int(),
  allowTies: z.boolean(),
  ratings: z.array(ratingQuestionSchema),
  flags: z.array(flagSchema),
  leaseMinutes: z.number().int(),
  /** Whether a model is configured; the endpoint itself is shown to researchers only. */
  hasModel: z.boolean(),
  modelEndpoint: modelEndpointViewSchema.nullable(),
  sampling: samplingSettingsSchema,
  goldRate: z.number(),
  leaderboard: z.boolean(),
  singleDollarMath: z.boolean(),
  archived: z.boolean(),
  createdAt: z.string(),
});
export type Project = z.infer<typeof projectSchema>;

/** What a project looks like in a list: settings plus progress. */
export const projectSummarySchema = projectSchema.extend({
  progress: z.object({
    comparisons: z.number().int(),
    /** Comparisons that have reached their overlap. */
    completed: z.number().int(),
    rankings: z.number().int(),
    /** For a trainer: comparisons still available to them, counted up to AVAILABLE_TO_ME_LIMIT (shared/queue-limits.ts). */
    availableToMe: z.number().int().optional(),
  }),
});
export type ProjectSummary = z.infer<typeof projectSummarySchema>;
