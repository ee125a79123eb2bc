import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { changePasswordSchema } from '#shared/users.ts';
import { authApi } from '#shared/contract/auth.ts';
import { callRoute } from '../../../lib/api.ts';
import { tokensQueryKey } from './get-tokens.ts';

export type ChangePassword = z.infer<typeof changePasswordSchema>;

/** Changes one's own password; the server ends every other session of this user and revokes all their API tokens. */
export const changePassword = (body: ChangePassword) => callRoute(authApi.changePassword, { body });

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changePassword,
    // The token list shows them revoked.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensQueryKey }),
  });
}
