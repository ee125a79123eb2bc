import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { usersApi } from '#shared/contract/users.ts';
import type { updateUserSchema, User } from '#shared/users.ts';
import { callRoute } from '../../../lib/api.ts';
import { allTokensQueryKey } from './get-all-tokens.ts';
import { usersQueryKey } from './get-users.ts';

export type UpdateUser = z.infer<typeof updateUserSchema>;

/** Changes a role, (de)activates, or resets a password; the server ends the user's sessions on the last two and revokes their API tokens on a reset. */
export const updateUser = async (username: string, body: UpdateUser) => (await callRoute(usersApi.update, { params: { username }, body })).user;

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ username, ...body }: UpdateUser & { username: string }) => updateUser(username, body),
    onSuccess: (updated) => {
      queryClient.setQueryData<User[]>(usersQueryKey, (list) => list?.map((u) => (u.id === updated.id ? updated : u)));
      // A reset revokes the user's tokens and (de)activating suspends or restores them: the token list shows it.
      return Promise.all([queryClient.invalidateQueries({ queryKey: usersQueryKey }), queryClient.invalidateQueries({ queryKey: allTokensQueryKey })]);
    },
  });
}
