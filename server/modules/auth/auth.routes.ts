import { authApi } from '#shared/contract/auth.ts';
import type { Db } from '#server/db/client.ts';
import { implement } from '#server/http/route.ts';
import { getUser, toUser } from '#server/modules/users/users.usecases.ts';
import {
  changePassword,
  createApiToken,
  listAllApiTokens,
  listApiTokens,
  login,
  logout,
  revokeApiToken,
  SESSION_COOKIE,
  setSessionCookie,
} from './auth.usecases.ts';
import { throttleAddress, type LoginThrottle } from './login-throttle.ts';

export const authRoutes = (db: Db, throttle: LoginThrottle) => [
  implement(authApi.login, async ({ body, req, res }) => {
    const session = await login(db, throttle, body.username, body.password, throttleAddress(req.ip));
    setSessionCookie(res, session.token, req.secure);
    return { user: toUser(getUser(db, session.user.username)) };
  }),
  implement(authApi.session, ({ user }) => ({ user: toUser(getUser(db, user.username)) })),
  implement(authApi.logout, ({ req, res }) => {
    if (req.auth?.sessionTokenHash) logout(db, req.auth.sessionTokenHash);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }),
  implement(authApi.changePassword, async ({ user, body, req }) => {
    await changePassword(db, user, body.currentPassword, body.newPassword, req.auth?.sessionTokenHash);
  }),
  implement(authApi.listTokens, ({ user }) => ({ tokens: listApiTokens(db, user.id) })),
  implement(authApi.createToken, ({ user, body }) => createApiToken(db, user.id, body.name, user.id)),
  implement(authApi.revokeToken, ({ user, params }) => {
    revokeApiToken(db, params.id, { actorId: user.id, ownerId: user.id });
  }),
  implement(authApi.listAllTokens, ({ query }) => ({ tokens: listAllApiTokens(db, query.user) })),
  implement(authApi.revokeAnyToken, ({ user, params }) => {
    revokeApiToken(db, params.id, { actorId: user.id });
  }),
];
