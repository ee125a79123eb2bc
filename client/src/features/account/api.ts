import { z } from 'zod';
import { apiTokenSchema, type changePasswordSchema, type createTokenSchema } from '#shared/users.ts';
import { api } from '../../lib/api.ts';

export type ChangePassword = z.infer<typeof changePasswordSchema>;
export type CreateToken = z.infer<typeof createTokenSchema>;

/** Changes one's own password; the server ends every other session of this user and revokes all their API tokens. */
export const changePassword = (body: ChangePassword) => api<void>('PUT', '/session/password', { body });

export const fetchTokens = async () => (await api('GET', '/tokens', { schema: z.object({ tokens: z.array(apiTokenSchema) }) })).tokens;

/** The token itself is in this answer only; the server keeps just its hash and prefix. */
export const createToken = (body: CreateToken) => api('POST', '/tokens', { body, schema: z.object({ token: z.string(), apiToken: apiTokenSchema }) });

export const revokeToken = (id: string) => api<void>('DELETE', `/tokens/${encodeURIComponent(id)}`);
