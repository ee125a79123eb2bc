import { z } from 'zod';

export const exportFormats = ['rankings', 'trl', 'openai-dpo', 'hh', 'sft'] as const;
export const exportFormatSchema = z.enum(exportFormats);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

const booleanFlag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
  .transform((v) => v === true || v === 'true' || v === '1');

/** Export options, the same for the API's query string and the CLI's flags (docs/export-formats.md). */
export const exportOptionsSchema = z.strictObject({
  format: exportFormatSchema,
  /** Only the train or test share of conversations; both when absent. */
  split: z.enum(['train', 'test']).optional(),
  /** Share of conversations in `test`. */
  testShare: z.coerce.number().min(0).max(1).default(0.1),
  /** One row per trainer's ranking, or one consensus ranking (ranked pairs) per comparison. */
  rows: z.enum(['per-trainer', 'consensus']).default('per-trainer'),
  /** trl only: a float `margin` on every row, here the number of rank groups between chosen and rejected. */
  margin: z.enum(['rank']).optional(),
  /** sft only: also each comparison's consensus top candidate, where no tie shares the top. */
  includeTopRanked: booleanFlag.default(false),
  /**
   * Pair rows of trl and records of rankings carry `features`: lengths and their difference,
   * shown positions, time spent and whether a suggestion was shown (for bias studies).
   */
  withFeatures: booleanFlag.default(false),
  /** Only comparisons whose trainers agree at least this much (pairwise); comparisons ranked once are left out. */
  minAgreement: z.coerce.number().min(0).max(1).optional(),
  /** sft only: a `provenance` array per record (author, model, whether each message began as a suggestion, edit distance). */
  provenance: booleanFlag.default(false),
});
export type ExportOptions = z.infer<typeof exportOptionsSchema>;
export type ExportOptionsInput = z.input<typeof exportOptionsSchema>;

export const exportCountSchema = z.object({ rows: z.number().int() });
