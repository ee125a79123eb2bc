import { useMutation, type UseMutationOptions } from '@tanstack/react-query';
import type { comparisonsApi } from '#shared/contract/comparisons.ts';
import type { RouteResponse } from '#shared/contract/route.ts';
import type { StoredRanking, SubmitRanking } from '#shared/rankings.ts';
import { api } from '../../../lib/api.ts';

export interface SubmitRankingInput {
  comparisonId: string;
  body: SubmitRanking;
}

export const submitRanking = async ({ comparisonId, body }: SubmitRankingInput) =>
  (await api<RouteResponse<typeof comparisonsApi.rank>>('PUT', `/comparisons/${comparisonId}/ranking`, { body })).ranking;

export const useSubmitRanking = (options: Omit<UseMutationOptions<StoredRanking, Error, SubmitRankingInput>, 'mutationFn'> = {}) =>
  useMutation({ ...options, mutationFn: submitRanking });
