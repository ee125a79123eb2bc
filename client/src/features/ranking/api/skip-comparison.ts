import { useMutation, type UseMutationOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api.ts';

export interface SkipComparisonInput {
  comparisonId: string;
  reason: string;
}

export const skipComparison = async ({ comparisonId, reason }: SkipComparisonInput) => {
  await api('POST', `/comparisons/${comparisonId}/skip`, { body: { reason } });
};

export const useSkipComparison = (options: Omit<UseMutationOptions<void, Error, SkipComparisonInput>, 'mutationFn'> = {}) =>
  useMutation({ ...options, mutationFn: skipComparison });
