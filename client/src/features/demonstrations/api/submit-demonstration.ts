import { useMutation, type UseMutationOptions } from '@tanstack/react-query';
import { z } from 'zod';
import { demonstrationSchema, type SubmitDemonstration } from '#shared/demonstrations.ts';
import { api } from '../../../lib/api.ts';

const response = z.object({ demonstration: demonstrationSchema });
type Demonstration = z.infer<typeof demonstrationSchema>;

export const submitDemonstration = async (slug: string, body: SubmitDemonstration) =>
  (await api('POST', `/projects/${slug}/demonstrations`, { body, schema: response })).demonstration;

export const useSubmitDemonstration = (slug: string, options: Omit<UseMutationOptions<Demonstration, Error, SubmitDemonstration>, 'mutationFn'> = {}) =>
  useMutation({ ...options, mutationFn: (body: SubmitDemonstration) => submitDemonstration(slug, body) });
