import { zodResolver } from '@hookform/resolvers/zod';
import type { FieldErrors, FieldValues, Resolver } from 'react-hook-form';
import type { z } from 'zod';
import { plainIssue } from '#shared/validation.ts';
import { labelled, type FieldLabels } from './form-errors.ts';

/**
 * react-hook-form's zodResolver on a shared schema, with the API's own plain words
 * (shared/validation.ts) led by the field's label where `labels` names one: "Gold rate must be at
 * most 0.5", "Label is empty" beside a rating's label. Forms validate with the API's own schemas,
 * so the server rarely has to refuse; when it does, `setServerErrors` puts its answer on the same
 * fields in the same words.
 */
export function formResolver<S extends z.ZodType<FieldValues, FieldValues>>(schema: S, labels: FieldLabels = {}) {
  const resolve = zodResolver(schema, { error: plainIssue }) as unknown as Resolver<z.input<S>, unknown, z.output<S>>;
  const resolver: Resolver<z.input<S>, unknown, z.output<S>> = async (values, context, options) => {
    const result = await resolve(values, context, options);
    return { ...result, errors: labelled(result.errors, labels) as FieldErrors<z.input<S>> } as Awaited<ReturnType<typeof resolve>>;
  };
  return resolver;
}
