import { z } from 'zod';
import { idSchema } from '#shared/ids.ts';
import { apiTokenSchema, changePasswordSchema, createTokenSchema, loginSchema, userSchema } from '#shared/users.ts';
import type { Db } from '#server/db/client.ts';
import { allUsers, defineRoute } from '#server/http/route.ts';
import { getUser, toUser } from '#server/modules/users/users.usecases.ts';
import {
  changePassword,
  createApiToken,
  listApiTokens,
  login,
  logout,
  revokeApiToken,
  SESSION_COOKIE,
  setSessionCookie,
} from './auth.usecases.ts';
import { throttleAddress, type LoginThrottle } from './login-throttle.ts';

const sessionResponse = z.object({ user: userSchema });

export const authRoutes = (db: Db, throttle: LoginThrottle) => [
  defineRoute({
    method: 'post',
    path: '/session',
    summary: 'Log in: sets the HttpOnly session cookie',
    roles: 'public',
    startsSession: true,
    body: loginSchema,
    response: sessionResponse,
    handler: async ({ body, req, res }) => {
      const session = await login(db, throttle, body.username, body.password, throttleAddress(req.ip));
      setSessionCookie(res, session.token, req.secure);
      return { user: toUser(getUser(db, session.user.username)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/session',
    summary: 'Who is logged in',
    roles: allUsers,
    response: sessionResponse,
    handler: ({ user }) => ({ user: toUser(getUser(db, user!.username)) }),
  }),
  defineRoute({
    method: 'delete',
    path: '/session',
    summary: 'Log out',
    roles: allUsers,
    handler: ({ req, res }) => {
      if (req.auth?.sessionTokenHash) logout(db, req.auth.sessionTokenHash);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
    },
  }),
  defineRoute({
    method: 'put',
    path: '/session/password',
    summary: 'Change one’s own password; other sessions end and all one’s API tokens are revoked',
    roles: allUsers,
    body: changePasswordSchema,
    handler: async ({ user, body, req }) => {
      await changePassword(db, user!, body.currentPassword, body.newPassword, req.auth?.sessionTokenHash);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/tokens',
    summary: 'One’s own API tokens',
    roles: allUsers,
    response: z.object({ tokens: z.array(apiTokenSchema) }),
    handler: ({ user }) => ({ tokens: listApiTokens(db, user!.id) }),
  }),
  defineRoute({
    method: 'post',
    path: '/tokens',
    summary: 'Create an API token for oneself; the token is in this response only',
    roles: allUsers,
    body: createTokenSchema,
    successStatus: 201,
    response: z.object({ token: z.string(), apiToken: apiTokenSchema }),
    handler: ({ user, body }) => createApiToken(db, user!.id, body.name, user!.id),
  }),
  defineRoute({
    method: 'delete',
    path: '/tokens/:id',
    summary: 'Revoke one of one’s own API tokens',
    roles: allUsers,
    params: z.object({ id: idSchema }),
    handler: ({ user, params }) => revokeApiToken(db, user!.id, Number(params.id)),
  }),
];
