import { z } from 'zod';

export const exportFormats = ['rankings', 'trl', 'openai-dpo', 'hh', 'sft'] as const;
export const exportFormatSchema = z.enum(exportFormats);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

const booleanFlag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])], { error: 'must be true or false (or 1 or 0)' })
  .transform((v) => v === true || v === 'true' || v === '1');
/** A share from 0 to 1, as a query string or CLI flag gives it. */
const shareMessage = 'must be a number from 0 to 1';
const share = () => z.coerce.number({ error: shareMessage }).min(0, shareMessage).max(1, shareMessage);

/** The pair formats: every (better, worse) pair of a ranking is one row. */
export const pairFormats: readonly ExportFormat[] = ['trl', 'openai-dpo', 'hh'];

/**
 * Which formats each option changes, with its CLI flag. An option given for a format it does not
 * change is refused, naming it: a researcher who asked for margins on `hh` rows must learn that
 * there are none rather than train without them.
 */
export const appliesTo = {
  margin: { flag: '--margin', formats: ['trl'] },
  withFeatures: { flag: '--with-features', formats: ['trl', 'rankings'] },
  includeTopRanked: { flag: '--include-top-ranked', formats: ['sft'] },
  provenance: { flag: '--provenance', formats: ['sft'] },
  singleTurn: { flag: '--single-turn', formats: ['openai-dpo'] },
  hhSystem: { flag: '--hh-system', formats: ['hh'] },
  withSource: { flag: '--with-source', formats: pairFormats },
  history: { flag: '--history', formats: ['rankings'] },
} satisfies Partial<Record<string, { flag: string; formats: readonly ExportFormat[] }>>;

/** Export options, the same for the API's query string and the CLI's flags (docs/export-formats.md). */
export const exportOptionsSchema = z
  .strictObject({
    format: exportFormatSchema,
    /** Only the train or test share of prompts; both when absent. */
    split: z.enum(['train', 'test']).optional(),
    /** Share of prompts in `test`. */
    testShare: share().default(0.1),
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
    minAgreement: share().optional(),
    /** sft only: a `provenance` array per record (author, model, whether each message began as a suggestion, edit distance). */
    provenance: booleanFlag.default(false),
    /** openai-dpo only: leave out rows whose input holds an assistant turn (OpenAI's preference fine-tuning takes single-turn inputs). */
    singleTurn: booleanFlag.default(false),
    /** hh only: a system prompt is dropped (HH-RLHF has none), or folded into the first Human turn. */
    hhSystem: z.enum(['drop', 'fold']).default('drop'),
    /** Pair formats: `source_id`, the importer's id of the conversation, on every row. */
    withSource: booleanFlag.default(false),
    /** rankings only: every earlier version of each trainer's ranking, as `history`. */
    history: booleanFlag.default(false),
  })
  .superRefine((options, ctx) => {
    const given = { ...options, hhSystem: options.hhSystem === 'drop' ? undefined : options.hhSystem };
    for (const [key, { flag, formats }] of Object.entries(appliesTo)) {
      const value = given[key as keyof typeof given];
      if (value === undefined || value === false || (formats as readonly string[]).includes(options.format)) continue;
      ctx.addIssue({ code: 'custom', path: [key], message: `applies to ${formats.join(', ')} only, not to ${options.format} (CLI: ${flag})` });
    }
    if (options.rows === 'consensus' && options.format === 'sft') {
      ctx.addIssue({
        code: 'custom',
        path: ['rows'],
        message: 'consensus rows (--consensus) do not apply to sft; use includeTopRanked (--include-top-ranked)',
      });
    }
  });
export type ExportOptions = z.infer<typeof exportOptionsSchema>;
export type ExportOptionsInput = z.input<typeof exportOptionsSchema>;

/** How many records an export holds, and how many it leaves out on purpose (`singleTurn`; `hhSystem=drop`). */
export const exportCountSchema = z.object({
  rows: z.number().int(),
  /** openai-dpo with singleTurn: pair rows left out because their input holds an assistant turn. */
  multiTurnRows: z.number().int(),
  /** hh: pair rows whose system prompt was dropped. */
  droppedSystemPrompts: z.number().int(),
});
