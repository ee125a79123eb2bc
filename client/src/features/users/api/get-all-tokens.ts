import { queryOptions, useQuery } from '@tanstack/react-query';
import { authApi } from '#shared/contract/auth.ts';
import { callRoute } from '../../../lib/api.ts';

export const getAllTokens = async () => (await callRoute(authApi.listAllTokens, {})).tokens;

/** Every user's API tokens, revoked ones included (admins only). */
export const allTokensQueryKey = ['admin', 'tokens'] as const;

export const allTokensQueryOptions = () => queryOptions({ queryKey: allTokensQueryKey, queryFn: getAllTokens });

export const useAllTokens = () => useQuery(allTokensQueryOptions());
