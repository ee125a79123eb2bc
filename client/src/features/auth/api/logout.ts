import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { authApi } from '#shared/contract/auth.ts';
import type { RouteResponse } from '#shared/contract/route.ts';
import { api } from '../../../lib/api.ts';
import { sessionQueryKey } from './get-session.ts';

export const logout = () => api<RouteResponse<typeof authApi.logout>>('DELETE', '/session');

/** Logs out, even when the server cannot be told: nothing read as this user stays in the cache. */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionQueryKey[0] });
      queryClient.setQueryData(sessionQueryKey, null);
    },
  });
}
