import type { z } from 'zod';

/** A zod issue in plain words, prefixed with where it is: `messages.1.role: must be one of …`. */
export function describeIssue(issue: z.core.$ZodIssue): { path: string; message: string } {
  const path = issue.path.map(String).join('.');
  let message = issue.message;
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) message = 'is required';
  else if (issue.code === 'invalid_type') message = message.replace(/^Invalid input: /, '');
  else if (issue.code === 'unrecognized_keys') message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  else if (issue.code === 'invalid_value') message = message.replace(/^Invalid option: expected one of/, 'must be one of');
  return { path, message };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map(describeIssue)
    .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
    .join('; ');
}
