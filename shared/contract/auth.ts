import { z } from 'zod';
import { idParamSchema } from '../ids.ts';
import { apiTokenSchema, changePasswordSchema, createTokenSchema, loginSchema, ownedApiTokenSchema, tokenListQuerySchema, userSchema } from '../users.ts';
import { admins, allUsers, route } from './route.ts';

const sessionResponse = z.object({ user: userSchema });

export const authApi = {
  login: route({
    method: 'post',
    path: '/session',
    summary: 'Log in: sets the HttpOnly session cookie',
    roles: 'public',
    startsSession: true,
    body: loginSchema,
    response: sessionResponse,
  }),
  session: route({ method: 'get', path: '/session', summary: 'Who is logged in', roles: allUsers, response: sessionResponse }),
  logout: route({ method: 'delete', path: '/session', summary: 'Log out', roles: allUsers }),
  changePassword: route({
    method: 'put',
    path: '/session/password',
    summary: 'Change one’s own password; other sessions end and all one’s API tokens are revoked',
    roles: allUsers,
    body: changePasswordSchema,
  }),
  listTokens: route({
    method: 'get',
    path: '/tokens',
    summary: 'One’s own API tokens',
    roles: allUsers,
    response: z.object({ tokens: z.array(apiTokenSchema) }),
  }),
  createToken: route({
    method: 'post',
    path: '/tokens',
    summary: 'Create an API token for oneself; the token is in this response only',
    roles: allUsers,
    body: createTokenSchema,
    successStatus: 201,
    response: z.object({ token: z.string(), apiToken: apiTokenSchema }),
  }),
  revokeToken: route({
    method: 'delete',
    path: '/tokens/:id',
    summary: 'Revoke one of one’s own API tokens',
    roles: allUsers,
    params: z.object({ id: idParamSchema }),
  }),
  listAllTokens: route({
    method: 'get',
    path: '/admin/tokens',
    summary: 'Every user’s API tokens (or one user’s, with ?user=), revoked ones included, with when each was last used',
    roles: admins,
    query: tokenListQuerySchema,
    response: z.object({ tokens: z.array(ownedApiTokenSchema) }),
  }),
  revokeAnyToken: route({
    method: 'delete',
    path: '/admin/tokens/:id',
    summary: 'Revoke any user’s API token: it fails from the next request on',
    roles: admins,
    params: z.object({ id: idParamSchema }),
  }),
};
