import { useMutation, useQueryClient } from '@tanstack/react-query';
import { authApi } from '#shared/contract/auth.ts';
import { callRoute } from '../../../lib/api.ts';
import { tokensQueryKey } from './get-tokens.ts';

export const revokeToken = (id: string) => callRoute(authApi.revokeToken, { params: { id } });

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensQueryKey }),
  });
}
