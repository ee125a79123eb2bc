import { queryOptions, useQuery } from '@tanstack/react-query';
import { usersApi } from '#shared/contract/users.ts';
import { callRoute } from '../../../lib/api.ts';

export const getUsers = async () => (await callRoute(usersApi.list, {})).users;

export const usersQueryKey = ['users'] as const;

export const usersQueryOptions = () => queryOptions({ queryKey: usersQueryKey, queryFn: getUsers });

/** Every account (admins only). */
export const useUsers = () => useQuery(usersQueryOptions());
