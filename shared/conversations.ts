import { z } from 'zod';

export const roleSchema = z.enum(['system', 'user', 'assistant']);
export type Role = z.infer<typeof roleSchema>;

/**
 * Refuses a string holding half of a UTF-16 surrogate pair without the other half, as a JSON
 * escape such as "\ud800" can write: that is not text, and SQLite would keep it as U+FFFD.
 */
export function refuseLoneSurrogates(text: string, ctx: z.RefinementCtx) {
  const at = text.search(/\p{Surrogate}/u);
  if (at >= 0)
    ctx.addIssue({ code: 'custom', message: `has a lone UTF-16 surrogate (\\u${text.charCodeAt(at).toString(16)}): half of a character is not text` });
}

/** A message as exports and the trainer's page see it: no provenance. */
export const chatMessageSchema = z.strictObject({
  role: roleSchema,
  content: z.string().min(1, 'content is empty').max(1_000_000, 'content is longer than 1,000,000 characters').superRefine(refuseLoneSurrogates),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** Sampling parameters recorded with a model-written message; free-form beyond the usual keys. */
export const samplingParamsSchema = z.looseObject({
  temperature: z.number().min(0, 'temperature must be between 0 and 10').max(10, 'temperature must be between 0 and 10').optional(),
  top_p: z.number().min(0, 'top_p must be between 0 and 1').max(1, 'top_p must be between 0 and 1').optional(),
  max_tokens: z.number().int('max_tokens must be a whole number').min(1, 'max_tokens must be at least 1').optional(),
  seed: z.number().int('seed must be a whole number').optional(),
});

export const MIN_CANDIDATES = 2;
export const MAX_CANDIDATES = 9;

/** A problem with the order of a dialogue's roles, where it is (`['messages', 2]`, or `['messages']` for the whole). */
export interface TurnProblem {
  path: Array<string | number>;
  message: string;
}

const endings = { user: 'must end with the user turn to be answered', assistant: 'must end with an assistant turn' } as const;

/**
 * Roles in the order chat templates take them: an optional system message first, then user and
 * assistant in turn, the user first. Strict templates raise on anything else (two user turns in a
 * row, an assistant first), so imported contexts, demonstrations and suggestion requests all hold
 * to this one rule. A context ends with the user turn its candidates answer; a demonstration ends
 * with the assistant.
 */
export function dialogueProblems(messages: ReadonlyArray<{ role: Role }>, { mustEnd }: { mustEnd: 'user' | 'assistant' | 'any' }): TurnProblem[] {
  const problems: TurnProblem[] = [];
  let previous: Role | undefined;
  messages.forEach(({ role }, i) => {
    const at = (message: string) => problems.push({ path: ['messages', i], message });
    if (role === 'system') {
      if (i > 0) at('a system message may only come first');
      return;
    }
    if (previous === undefined && role === 'assistant') at('must be a user turn: a conversation begins with the user, after an optional system message');
    else if (role === 'user' && previous === 'user') at('must be an assistant turn after a user turn');
    else if (role === 'assistant' && previous === 'assistant') at('must be a user turn after an assistant turn');
    previous = role;
  });
  if (previous === undefined) problems.push({ path: ['messages'], message: 'needs at least one user turn' });
  else if (mustEnd !== 'any' && previous !== mustEnd) problems.push({ path: ['messages'], message: endings[mustEnd] });
  return problems;
}

/**
 * The text two candidates are compared by: leading and trailing whitespace aside, which a trainer
 * cannot see and chat templates and tokenizers often drop.
 */
export const comparedText = (text: string) => text.trim();

/**
 * Each text that repeats an earlier one (compared as `comparedText`), as [its index, the index of
 * its first occurrence]. Two identical candidates never make a comparison, whether imported or
 * sampled: ranking a text against itself teaches a reward model nothing.
 */
export function repeatedTexts(texts: readonly string[]): Array<[number, number]> {
  const first = new Map<string, number>();
  const repeats: Array<[number, number]> = [];
  texts.forEach((text, i) => {
    const key = comparedText(text);
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, i);
    else repeats.push([i, earlier]);
  });
  return repeats;
}

/** A candidate answer of an import line. */
const completionSchema = z.strictObject({
  content: z
    .string()
    .min(1, 'content is empty')
    .max(1_000_000, 'content is longer than 1,000,000 characters')
    .refine((content) => content === '' || comparedText(content) !== '', 'content is only whitespace')
    .superRefine(refuseLoneSurrogates),
  model: z.string().min(1, 'model is empty').max(200, 'model is longer than 200 characters').superRefine(refuseLoneSurrogates).optional(),
  params: samplingParamsSchema.optional(),
  finish_reason: z.string().max(50, 'finish_reason is longer than 50 characters').superRefine(refuseLoneSurrogates).optional(),
});

/**
 * One line of an import file (docs/import-format.md). Each rule sits on the field it is about, so
 * that a problem in one field (completions written as strings) does not hide those of another
 * (messages out of order): a line's every problem is reported at once.
 */
export const importLineSchema = z.strictObject({
  id: z.string().trim().min(1, 'id is empty').max(200, 'id is longer than 200 characters').superRefine(refuseLoneSurrogates),
  messages: z
    .array(chatMessageSchema)
    .min(1, 'messages is empty')
    .superRefine((messages, ctx) => {
      // An empty list is already said to be empty.
      if (messages.length === 0) return;
      for (const { path, message } of dialogueProblems(messages, { mustEnd: 'user' })) ctx.addIssue({ code: 'custom', path: path.slice(1), message });
    }),
  completions: z
    .array(completionSchema)
    .superRefine(
      (completions, ctx) => {
        const n = completions.length;
        if (n === 1 || n > MAX_CANDIDATES) {
          ctx.addIssue({
            code: 'custom',
            message: `has ${n} completion${n === 1 ? '' : 's'}: a comparison needs ${MIN_CANDIDATES}–${MAX_CANDIDATES} (or none for a prompt)`,
          });
        }
      },
      // Their number is wrong whatever is wrong with each of them.
      { when: (payload) => Array.isArray(payload.value) },
    )
    .superRefine((completions, ctx) => {
      const contents = completions.map((c) => c.content);
      for (const [i, first] of repeatedTexts(contents)) {
        const but = contents[i] === contents[first] ? '' : ' but for leading or trailing whitespace';
        ctx.addIssue({ code: 'custom', path: [i], message: `is identical to completions[${first}]${but}` });
      }
    })
    .default([]),
  // Like `params`, stored as JSON text, where JSON.stringify writes a lone surrogate as its "\ud800" escape: kept exactly as given.
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type ImportLine = z.infer<typeof importLineSchema>;

/**
 * A bad line: its every problem in plain words, the first one first (at most MAX_PROBLEMS_LISTED, then
 * how many more), and `message`, those joined by "; ", as the CLI prints them after the line's number.
 */
export const importErrorSchema = z.object({ line: z.number().int(), message: z.string(), problems: z.array(z.string()).min(1) });
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
