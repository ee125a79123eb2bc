import { queryOptions, useQuery } from '@tanstack/react-query';
import type { authApi } from '#shared/contract/auth.ts';
import type { RouteResponse } from '#shared/contract/route.ts';
import type { User } from '#shared/users.ts';
import { api, ApiError } from '../../../lib/api.ts';

/** The logged-in user, or null when there is none. Typed, not parsed: it loads with the trainer's first page. */
export async function getSession(): Promise<User | null> {
  try {
    return (await api<RouteResponse<typeof authApi.session>>('GET', '/session')).user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export const sessionQueryKey = ['session'] as const;

export const sessionQueryOptions = () => queryOptions({ queryKey: sessionQueryKey, queryFn: getSession, staleTime: Infinity });

export const useCurrentUser = () => useQuery(sessionQueryOptions());
