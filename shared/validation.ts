import { z } from 'zod';

type RawIssue = z.core.$ZodRawIssue;

/** A JSON type as a person names it: "must be an object, not a string". */
const typeNames: Partial<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  tuple: 'an array',
  null: 'null',
  date: 'a date',
};
const typeOf = (input: unknown) => (input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input);

const sized: Partial<Record<string, string>> = { string: 'characters', array: 'items', set: 'items', map: 'entries', file: 'bytes' };
const formats: Partial<Record<string, string>> = {
  email: 'an email address',
  url: 'a URL',
  uuid: 'a UUID',
  datetime: 'a date and time such as 2026-12-01T09:00:00Z',
  date: 'a date such as 2026-12-01',
};

function tooSmall(issue: Extract<RawIssue, { code: 'too_small' }>): string | undefined {
  const unit = sized[issue.origin];
  const n = Number(issue.minimum);
  if (unit && issue.exact) return `must have exactly ${n} ${unit}`;
  if (unit) return n <= 1 ? 'is empty' : `must have at least ${n} ${unit}`;
  if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') return `must be ${issue.inclusive ? 'at least' : 'more than'} ${n}`;
  return undefined;
}

function tooBig(issue: Extract<RawIssue, { code: 'too_big' }>): string | undefined {
  const unit = sized[issue.origin];
  const n = Number(issue.maximum);
  if (unit && issue.exact) return `must have exactly ${n} ${unit}`;
  if (unit) return `must have at most ${n} ${unit}`;
  if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') return `must be ${issue.inclusive ? 'at most' : 'less than'} ${n}`;
  return undefined;
}

function invalidType(issue: Extract<RawIssue, { code: 'invalid_type' }>): string | undefined {
  if (issue.input === undefined) return 'is required';
  const expected = typeNames[issue.expected];
  if (!expected) return undefined;
  if (typeof issue.input === 'number' && Number.isNaN(issue.input)) return `must be ${expected}`;
  if (issue.expected === 'int' && typeof issue.input === 'number') return 'must be a whole number';
  return `must be ${expected}, not ${typeNames[typeOf(issue.input)] ?? typeOf(issue.input)}`;
}

/** No branch of a union matched: what each would take, where each says so in one "must be …", else the closest branch's first problem. */
function noUnionMatch(issue: Extract<RawIssue, { code: 'invalid_union' }>): string | undefined {
  const branches = issue.errors.filter((b) => b.length > 0);
  if (branches.length === 0) return undefined;
  const wants = branches.map((b) => (b.length === 1 && b[0]!.path.length === 0 ? /^must be (.*?)(?:, not .*)?$/.exec(b[0]!.message)?.[1] : undefined));
  if (wants.every(Boolean)) return `must be ${wants.join(', or ')}`;
  const [first] = branches.reduce((best, b) => (b.length < best.length ? b : best));
  const where = first!.path.map(String).join('.');
  return where ? `${where}: ${first!.message}` : first!.message;
}

/**
 * zod's generic messages in plain words, for people and scripts alike ("is empty", "must be at most
 * 0.5", "must be an object, not a string") instead of "Too small: expected string to have >=1
 * characters". A schema's own message always wins; undefined falls back to zod's English.
 */
export function plainIssue(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return invalidType(issue);
    case 'too_small':
      return tooSmall(issue);
    case 'too_big':
      return tooBig(issue);
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${JSON.stringify(issue.values[0])}` : `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      if (issue.format === 'regex') return 'is not in the expected form';
      return `must be ${formats[issue.format] ?? `a valid ${issue.format}`}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_union':
      return noUnionMatch(issue);
    case 'invalid_key':
      return `has an invalid key${issue.issues[0] ? `: ${issue.issues[0].message}` : ''}`;
    case 'invalid_element':
      return `has an invalid value${issue.issues[0] ? `: ${issue.issues[0].message}` : ''}`;
    case 'custom':
      return 'is not valid';
    default:
      return undefined;
  }
}

// Every parse in a process that loads this module speaks plainly: the server's answers, the CLI's
// errors and the web app's forms use the same words for the same mistake.
z.config({ customError: plainIssue });

/** A zod issue with where it is: `{ path: 'messages.1.role', message: 'must be one of system, user, assistant' }`. */
export function describeIssue(issue: z.core.$ZodIssue): { path: string; message: string } {
  return { path: issue.path.map(String).join('.'), message: issue.message };
}

/** Every issue, each led by where it is: `name: is empty; goldRate: must be at most 0.5`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map(describeIssue)
    .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
    .join('; ');
}
