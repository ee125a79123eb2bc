import type { FieldValues, Path, UseFormReturn } from 'react-hook-form';
import { ApiError, errorMessage } from './api.ts';

// Free of zod at run time: the login form uses these on the trainer's path (decision 0003).
// Forms on the shared zod schemas take their resolver from ./form-resolver.ts.

/** A message that is a sentence of its own ("The two new passwords are not the same.") is shown as it is. */
export const withLabel = (label: string | undefined, message: string) => (label && !/^[A-Z]/.test(message) ? `${label} ${message}` : message);

/** The server's validation issues (`details.issues`, a 400) as they arrive: `{ path: 'a.b', message }`. */
function issuesOf(error: unknown): Array<{ path: string; message: string }> | null {
  if (!(error instanceof ApiError) || error.status !== 400) return null;
  const issues = (error.details as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) ? (issues as Array<{ path: string; message: string }>) : null;
}

/**
 * A failed submit onto the form, the same way on every form: a 400's issues on the fields they
 * name (led by the field's label, as the form's own checks are), anything else as `root.server`.
 */
export function setServerErrors<T extends FieldValues>(
  form: Pick<UseFormReturn<T>, 'setError' | 'getValues'>,
  error: unknown,
  labels: Partial<Record<string, string>> = {},
) {
  const issues = issuesOf(error);
  const fields = form.getValues();
  const top = (path: string) => path.split('.')[0]!;
  if (issues?.length && issues.every((i) => top(i.path) in fields)) {
    for (const issue of issues) form.setError(issue.path as Path<T>, { type: 'server', message: withLabel(labels[issue.path], issue.message) });
    return;
  }
  form.setError('root.server', { type: 'server', message: errorMessage(error) });
}

/**
 * Every message in a form's errors by its dotted path (`ratings.0.key`), for forms that list the
 * problems of nested fields together; an array's own problem (`ratings.root`) is under `ratings`.
 */
export function errorsByPath(errors: object, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(errors)) {
    if (!value || typeof value !== 'object' || key === 'ref' || key === 'types') continue;
    const path = key === 'root' ? prefix : prefix ? `${prefix}.${key}` : key;
    const { message } = value as { message?: unknown };
    if (typeof message === 'string' && message) out[path || 'form'] ??= message;
    Object.assign(out, errorsByPath(value, path));
  }
  return out;
}
