import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { authApi } from '#shared/contract/auth.ts';
import type { ApiToken, createTokenSchema } from '#shared/users.ts';
import { callRoute } from '../../../lib/api.ts';
import { tokensQueryKey } from './get-tokens.ts';

export type CreateToken = z.input<typeof createTokenSchema>;

/** The token itself is in this answer only; the server keeps just its hash and prefix. */
export const createToken = (body: CreateToken) => callRoute(authApi.createToken, { body });

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createToken,
    onSuccess: ({ apiToken }) => {
      queryClient.setQueryData<ApiToken[]>(tokensQueryKey, (list) => [apiToken, ...(list ?? [])]);
      return queryClient.invalidateQueries({ queryKey: tokensQueryKey });
    },
  });
}
