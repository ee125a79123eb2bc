import { useMutation, type UseMutationOptions } from '@tanstack/react-query';
import { z } from 'zod';
import { promptSchema, type Prompt } from '#shared/demonstrations.ts';
import { api } from '../../../lib/api.ts';

const response = z.object({ prompt: promptSchema }).optional();

/** The project prompt this trainer has written the fewest demonstrations for; null when none is left. */
export const getNextPrompt = async (slug: string) => (await api('GET', `/projects/${slug}/prompts/next`, { schema: response }))?.prompt ?? null;

/**
 * Asked for when the trainer presses "Start from a project prompt", and used once to start a
 * dialogue: a mutation, so that it is read on that press only and never cached or read again.
 */
export const useNextPrompt = (slug: string, options: Omit<UseMutationOptions<Prompt | null, Error, void>, 'mutationFn'> = {}) =>
  useMutation({ ...options, mutationFn: () => getNextPrompt(slug) });
