import { queryOptions, useQuery } from '@tanstack/react-query';
import { authApi } from '#shared/contract/auth.ts';
import { callRoute } from '../../../lib/api.ts';

export const getTokens = async () => (await callRoute(authApi.listTokens, {})).tokens;

/** One's own API tokens, revoked ones included. */
export const tokensQueryKey = ['tokens'] as const;

export const tokensQueryOptions = () => queryOptions({ queryKey: tokensQueryKey, queryFn: getTokens });

export const useTokens = () => useQuery(tokensQueryOptions());
