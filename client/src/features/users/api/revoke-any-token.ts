import { useMutation, useQueryClient } from '@tanstack/react-query';
import { authApi } from '#shared/contract/auth.ts';
import { callRoute } from '../../../lib/api.ts';
import { allTokensQueryKey } from './get-all-tokens.ts';

/** Revokes any user's token: whatever uses it is refused from its next request. */
export const revokeAnyToken = (id: string) => callRoute(authApi.revokeAnyToken, { params: { id } });

export function useRevokeAnyToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeAnyToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: allTokensQueryKey }),
  });
}
