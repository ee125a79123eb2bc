import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { authApi } from '#shared/contract/auth.ts';
import type { RouteResponse } from '#shared/contract/route.ts';
import type { Login } from '#shared/users.ts';
import { api } from '../../../lib/api.ts';
import { sessionQueryKey } from './get-session.ts';

export const login = async (body: Login) => (await api<RouteResponse<typeof authApi.login>>('POST', '/session', { body })).user;

/** Logs in; the session query then holds the user, which opens the app. */
export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (user) => queryClient.setQueryData(sessionQueryKey, user),
  });
}
