import { z } from 'zod';
import { describeIssue } from './validation.ts';
import { importLineSchema, importResultSchema, type ImportError, type ImportLine } from './conversations.ts';

/**
 * Where an import job is: checking every line, writing them (invisibly, in batches), making them
 * visible in one step, then done (with today's import result) or failed (with the error a
 * synchronous import would have answered).
 */
export const importJobStateSchema = z.enum(['checking', 'importing', 'finishing', 'done', 'failed']);
export type ImportJobState = z.infer<typeof importJobStateSchema>;

export const importJobSchema = z.object({
  id: z.string().uuid(),
  project: z.string(),
  dryRun: z.boolean(),
  state: importJobStateSchema,
  /** Bytes of the file read in the current pass (checking, then importing), of `bytesTotal`. */
  bytesDone: z.number().int(),
  bytesTotal: z.number().int(),
  /** Once done. A file with bad lines is done too, with the lines in `result.errors` and nothing imported. */
  result: importResultSchema.nullable(),
  /** Once failed: the error the synchronous route answers with, and its HTTP status. */
  error: z.object({ status: z.number().int(), code: z.string(), message: z.string() }).nullable(),
});
export type ImportJob = z.infer<typeof importJobSchema>;

// What the importer says about a bad line (docs/import-format.md, "Errors"): the server, the CLI and the
// import page all show these words. Each problem says where it is and what to write instead.

/** Problems of one line listed; beyond them only counted, so one line of 100,000 bad messages stays readable. */
export const MAX_PROBLEMS_LISTED = 10;

/** A bad line and its problems, the first one first, as the import result lists it. */
export function badLine(line: number, problems: string[]): ImportError {
  const listed =
    problems.length > MAX_PROBLEMS_LISTED
      ? [...problems.slice(0, MAX_PROBLEMS_LISTED), `… and ${problems.length - MAX_PROBLEMS_LISTED} more problems on this line`]
      : problems;
  return { line, message: listed.join('; '), problems: listed };
}

/** A JSON value in words: "a string", "an array", "null". */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The rule a field breaks when it is missing or of the wrong type, with an example of what to write; by its path, list positions as N. */
const fieldRules: Record<string, string> = {
  id: 'id must be a string like "id": "ticket-1"',
  messages: 'messages must be an array like [{"role": "user", "content": "…"}]',
  'messages.N': 'messages must be objects like {"role": "user", "content": "…"}',
  'messages.N.role': 'role must be "system", "user" or "assistant"',
  'messages.N.content': 'content must be a string like "content": "…"',
  completions: 'completions must be an array like [{"content": "…"}, {"content": "…"}]',
  'completions.N': 'completions must be objects like {"content": "…"}',
  'completions.N.content': 'content must be a string like "content": "…"',
  'completions.N.model': 'model must be a string like "model": "my-model-7b"',
  'completions.N.params': 'params must be an object like {"temperature": 0.7, "seed": 1}',
  'completions.N.params.temperature': 'temperature must be a number like 0.7',
  'completions.N.params.top_p': 'top_p must be a number like 0.9',
  'completions.N.params.max_tokens': 'max_tokens must be a whole number like 512',
  'completions.N.params.seed': 'seed must be a whole number like 1',
  'completions.N.finish_reason': 'finish_reason must be a string like "stop"',
  metadata: 'metadata must be an object like {"source": "…"}',
};

/**
 * The fields of each object of a line, and names other formats (OpenAI, ShareGPT, HH-RLHF, TRL) give
 * them, each with the field to write instead. A name close to a field (another case, singular or plural) is taken for it.
 */
const objectFields: Record<string, { what: string; fields: string[]; otherNames: Record<string, string> }> = {
  '': {
    what: 'a line',
    fields: ['id', 'messages', 'completions', 'metadata'],
    otherNames: {
      prompt: 'messages',
      conversation: 'messages',
      conversations: 'messages',
      context: 'messages',
      chosen: 'completions',
      rejected: 'completions',
      responses: 'completions',
      candidates: 'completions',
      answers: 'completions',
      meta: 'metadata',
    },
  },
  'messages.N': { what: 'a message', fields: ['role', 'content'], otherNames: { from: 'role', speaker: 'role', text: 'content', value: 'content' } },
  'completions.N': {
    what: 'a completion',
    fields: ['content', 'model', 'params', 'finish_reason'],
    otherNames: { text: 'content', response: 'content', output: 'content', completion: 'content', parameters: 'params', stop_reason: 'finish_reason' },
  },
};

/** Roles of other formats (ShareGPT's "human" and "gpt", HH's "Human" and "Assistant") and Ordinal's for them. */
const otherRoles: Record<string, string> = { human: 'user', prompter: 'user', gpt: 'assistant', bot: 'assistant', model: 'assistant', ai: 'assistant' };

const inWords = (names: string[]) => {
  const quoted = names.map((n) => `"${n}"`);
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}` : quoted.join('');
};

/** One zod issue of a line as problems in plain words (one per unknown field). */
function describeLineIssue(issue: z.core.$ZodIssue): string[] {
  const at = issue.path.map(String).join('.');
  const shape = issue.path.map((p) => (typeof p === 'number' ? 'N' : String(p))).join('.');
  if (issue.code === 'invalid_type' && fieldRules[shape]) {
    return [`${at} ${issue.input === undefined ? 'is missing' : `is ${describeValue(issue.input)}`}: ${fieldRules[shape]}`];
  }
  if (issue.code === 'unrecognized_keys' && objectFields[shape]) {
    const { what, fields, otherNames } = objectFields[shape];
    return issue.keys.map((key) => {
      const lower = key.toLowerCase();
      const instead = fields.find((f) => f === lower || f === `${lower}s` || `${f}s` === lower) ?? otherNames[lower];
      return `${at ? `${at}: ` : ''}unknown field "${key}"${instead ? `: use "${instead}"` : ''}; ${what} has only ${inWords(fields)}`;
    });
  }
  if (issue.code === 'invalid_value' && shape === 'messages.N.role' && typeof issue.input === 'string') {
    const instead = otherRoles[issue.input.toLowerCase()];
    return [`${at} is "${issue.input}": ${instead ? `write "${instead}"; ` : ''}${fieldRules[shape]}`];
  }
  const { path, message } = describeIssue(issue);
  return [path ? `${path}: ${message}` : message];
}

/** A JSON value as an import line, or its every problem in plain words (the first ones, with how many more). */
export function checkImportLine(json: unknown): { ok: true; value: ImportLine } | { ok: false; problems: string[] } {
  const result = importLineSchema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  // Parsed again, for the bad line only, with each issue's input (to say what the field is): asking for it makes zod take its slow path for every line.
  const described = importLineSchema.safeParse(json, { reportInput: true });
  return { ok: false, problems: described.error!.issues.flatMap(describeLineIssue) };
}
