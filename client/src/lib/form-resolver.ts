import { zodResolver } from '@hookform/resolvers/zod';
import type { FieldErrors, FieldValues, Resolver } from 'react-hook-form';
import type { z } from 'zod';
import { withLabel } from './form-errors.ts';

/** zod's generic messages in plain words ("is empty", "must be at least 10 characters"); a schema's own messages win. */
function plainIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'too_small' && issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'is empty' : `must be at least ${issue.minimum} characters`;
  if (issue.code === 'too_big' && issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
  if (issue.code === 'too_small' && issue.origin === 'number') return `must be ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}`;
  if (issue.code === 'too_big' && issue.origin === 'number') return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  if (issue.code === 'invalid_type' && issue.expected === 'number') return 'must be a number';
  return undefined;
}

/** Leads each top-level field's message with its label: `Password must be at least 10 characters`. */
function labelled<T extends FieldValues>(errors: FieldErrors<T>, labels: Partial<Record<string, string>>): FieldErrors<T> {
  const out: Record<string, unknown> = { ...errors };
  for (const [key, label] of Object.entries(labels)) {
    const error = out[key] as { message?: string } | undefined;
    if (error?.message) out[key] = { ...error, message: withLabel(label, error.message) };
  }
  return out as FieldErrors<T>;
}

/**
 * react-hook-form's zodResolver on a shared schema, with messages in plain words led by the field's
 * label where `labels` names one. Forms validate with the API's own schemas, so the server rarely
 * has to refuse; when it does, `setServerErrors` puts its answer on the same fields.
 */
export function formResolver<S extends z.ZodType<FieldValues, FieldValues>>(schema: S, labels: Partial<Record<keyof z.input<S> & string, string>> = {}) {
  const resolve = zodResolver(schema, { error: plainIssue }) as unknown as Resolver<z.input<S>, unknown, z.output<S>>;
  const resolver: Resolver<z.input<S>, unknown, z.output<S>> = async (values, context, options) => {
    const result = await resolve(values, context, options);
    return { ...result, errors: labelled(result.errors, labels) } as Awaited<ReturnType<typeof resolve>>;
  };
  return resolver;
}
