import type { FieldValues, Path, UseFormReturn } from 'react-hook-form';
import { ApiError, errorMessage } from './api.ts';

// Free of zod at run time: the login form uses these on the trainer's path (decision 0003).
// Forms on the shared zod schemas take their resolver from ./form-resolver.ts.

/**
 * The label each field's message begins with, by dotted path; `*` stands for any index of a list:
 * `{ name: 'Name', 'ratings.*.label': 'Label' }`. The messages themselves are the API's
 * (shared/validation.ts), so a form and a script's 400 say the same thing.
 */
export type FieldLabels = Partial<Record<string, string>>;

const labelFor = (labels: FieldLabels, path: string) => labels[path] ?? labels[path.replace(/\.\d+(?=\.|$)/g, '.*')];

/** A message that is a sentence of its own ("The two new passwords are not the same.") is shown as it is. */
export const withLabel = (label: string | undefined, message: string) => (label && !/^[A-Z]/.test(message) ? `${label} ${message}` : message);

/** A form's errors (react-hook-form's nested objects and arrays) with each message led by its field's label. */
export function labelled<T>(errors: T, labels: FieldLabels, prefix = ''): T {
  if (!errors || typeof errors !== 'object') return errors;
  // A field array's errors are an array that may carry its own `root` too: both are copied.
  const out = Object.assign(Array.isArray(errors) ? [] : {}, errors) as Record<string, unknown>;
  for (const [key, value] of Object.entries(out)) {
    if (key === 'ref' || key === 'types' || !value || typeof value !== 'object') continue;
    // An array's own problem (`ratings.root`: too many items) is the array's.
    const path = key === 'root' ? prefix : prefix ? `${prefix}.${key}` : key;
    const inner = labelled(value, labels, path) as { message?: unknown };
    const label = labelFor(labels, path);
    out[key] = typeof inner.message === 'string' && label ? { ...inner, message: withLabel(label, inner.message) } : inner;
  }
  return out as T;
}

/** The issues of an answer that names its fields (`details.issues`: a 400, a refused model host) as they arrive: `{ path: 'a.b', message }`. */
function issuesOf(error: unknown): Array<{ path: string; message: string }> | null {
  if (!(error instanceof ApiError) || error.status >= 500) return null;
  const issues = (error.details as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) ? (issues as Array<{ path: string; message: string }>) : null;
}

/**
 * A failed submit onto the form, the same way on every form: issues on the fields they name (led by
 * the field's label, as the form's own checks are), anything else as `root.server`.
 */
export function setServerErrors<T extends FieldValues>(form: Pick<UseFormReturn<T>, 'setError' | 'getValues'>, error: unknown, labels: FieldLabels = {}) {
  const issues = issuesOf(error);
  const fields = form.getValues();
  const top = (path: string) => path.split('.')[0]!;
  if (issues?.length && issues.every((i) => top(i.path) in fields)) {
    for (const issue of issues) form.setError(issue.path as Path<T>, { type: 'server', message: withLabel(labelFor(labels, issue.path), issue.message) });
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
