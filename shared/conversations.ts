import { z } from 'zod';

export const roleSchema = z.enum(['system', 'user', 'assistant']);
export type Role = z.infer<typeof roleSchema>;

/** A message as exports and the trainer's page see it: no provenance. */
export const chatMessageSchema = z.strictObject({
  role: roleSchema,
  content: z.string().min(1, 'content is empty').max(1_000_000, 'content is longer than 1,000,000 characters'),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** Sampling parameters recorded with a model-written message; free-form beyond the usual keys. */
export const samplingParamsSchema = z.looseObject({
  temperature: z.number().min(0).max(10).optional(),
  top_p: z.number().min(0).max(1).optional(),
  max_tokens: z.number().int().min(1).optional(),
  seed: z.number().int().optional(),
});

export const MIN_CANDIDATES = 2;
export const MAX_CANDIDATES = 9;

/** Context rules shared by import, demonstrations and chats. */
export function contextProblems(messages: ChatMessage[]): string[] {
  const problems: string[] = [];
  messages.forEach((m, i) => {
    if (m.role === 'system' && i !== 0) problems.push(`messages[${i}]: a system message may only come first`);
  });
  if (!messages.some((m) => m.role === 'user')) problems.push('messages: needs at least one user message');
  else if (messages.at(-1)?.role !== 'user') problems.push('messages: must end with the user turn to be answered');
  return problems;
}

/**
 * Each text that repeats an earlier one, as [its index, the index of its first occurrence]. Two
 * identical candidates never make a comparison, whether imported or sampled: ranking a text
 * against itself teaches a reward model nothing.
 */
export function repeatedTexts(texts: readonly string[]): Array<[number, number]> {
  const first = new Map<string, number>();
  const repeats: Array<[number, number]> = [];
  texts.forEach((text, i) => {
    const earlier = first.get(text);
    if (earlier === undefined) first.set(text, i);
    else repeats.push([i, earlier]);
  });
  return repeats;
}

/** One line of an import file (docs/import-format.md). */
export const importLineSchema = z
  .strictObject({
    id: z.string().trim().min(1, 'id is empty').max(200, 'id is longer than 200 characters'),
    messages: z.array(chatMessageSchema).min(1, 'messages is empty'),
    completions: z
      .array(
        z.strictObject({
          content: z.string().min(1, 'content is empty').max(1_000_000),
          model: z.string().min(1).max(200).optional(),
          params: samplingParamsSchema.optional(),
          finish_reason: z.string().max(50).optional(),
        }),
      )
      .default([]),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((line, ctx) => {
    for (const problem of contextProblems(line.messages)) ctx.addIssue({ code: 'custom', message: problem, path: [] });
    const n = line.completions.length;
    if (n === 1 || n > MAX_CANDIDATES) {
      ctx.addIssue({
        code: 'custom',
        path: ['completions'],
        message: `has ${n} completion${n === 1 ? '' : 's'}: a comparison needs ${MIN_CANDIDATES}–${MAX_CANDIDATES} (or none for a prompt)`,
      });
    }
    for (const [i, first] of repeatedTexts(line.completions.map((c) => c.content))) {
      ctx.addIssue({ code: 'custom', path: ['completions', i], message: `is identical to completions[${first}]` });
    }
  });
export type ImportLine = z.infer<typeof importLineSchema>;

export const importErrorSchema = z.object({ line: z.number().int(), message: z.string() });
export type ImportError = z.infer<typeof importErrorSchema>;

export const importResultSchema = z.object({
  dryRun: z.boolean(),
  /** Non-blank lines read. */
  lines: z.number().int(),
  conversations: z.number().int(),
  comparisons: z.number().int(),
  prompts: z.number().int(),
  /** Lines whose id already exists in the project: left as they are. */
  skippedExisting: z.number().int(),
  imported: z.boolean(),
  errors: z.array(importErrorSchema),
  /** Bad lines beyond those listed in `errors`. */
  moreErrors: z.number().int(),
});
export type ImportResult = z.infer<typeof importResultSchema>;
