import { useMutation, useQueryClient } from '@tanstack/react-query';
import { usersApi } from '#shared/contract/users.ts';
import type { CreateUser, User } from '#shared/users.ts';
import { callRoute } from '../../../lib/api.ts';
import { usersQueryKey } from './get-users.ts';

export const createUser = async (body: CreateUser) => (await callRoute(usersApi.create, { body })).user;

const byUsername = (a: User, b: User) => a.username.localeCompare(b.username);

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createUser,
    onSuccess: (created) => {
      queryClient.setQueryData<User[]>(usersQueryKey, (list) => [...(list ?? []), created].sort(byUsername));
      return queryClient.invalidateQueries({ queryKey: usersQueryKey });
    },
  });
}
