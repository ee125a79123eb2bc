import type { z } from 'zod';
import { describeIssue } from '#shared/validation.ts';

/** zod's generic length messages ("Too small: expected string to have >=1 characters") in plain words. */
function plainMessage(issue: z.core.$ZodIssue) {
  if (issue.code === 'too_small' && /^Too small/.test(issue.message)) return Number(issue.minimum) <= 1 ? 'is empty' : `must be at least ${issue.minimum} characters`;
  if (issue.code === 'too_big' && /^Too big/.test(issue.message)) return `must be at most ${issue.maximum} characters`;
  return describeIssue(issue).message;
}

/**
 * One message per form field from a failed safeParse, led by the field's label:
 * `{ password: 'Password must be at least 10 characters' }`. Issues on unlabelled paths go under `form`.
 */
export function fieldErrors<K extends string>(error: z.ZodError, labels: Record<K, string>): Partial<Record<K | 'form', string>> {
  const errors: Partial<Record<K | 'form', string>> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '');
    if (key in labels) errors[key as K] ??= `${labels[key as K]} ${plainMessage(issue)}`;
    else errors.form ??= describeIssue(issue).message;
  }
  return errors;
}
