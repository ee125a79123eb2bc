import type { Response } from 'express';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { statementsFor, type Db } from '#server/db/client.ts';
import type { ApiToken, OwnedApiToken } from '#shared/users.ts';
import type { AuthUser } from '#server/http/auth.ts';
import { audit } from '#server/modules/audit/audit.ts';
import { apiTokens, sessions, users } from '#server/modules/users/users.table.ts';
import { findUserByUsername, getUser, iso, revokeAllApiTokens } from '#server/modules/users/users.usecases.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { dummyHashPromise, hashPassword, randomToken, sha256, verifyPassword } from './passwords.ts';
import { invalidCredentials, tokenNotFound, tooManyAttempts, wrongPassword } from './auth.errors.ts';

export const SESSION_COOKIE = 'ordinal_session';

export function setSessionCookie(res: Response, token: string, secure: boolean) {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_TTL_MS });
}
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
const TOKEN_PREFIX = 'ord_';
// Writing last-active on every request would turn reads into writes; once a minute is enough.
const ACTIVITY_RESOLUTION_MS = 60_000;

// Every request asks one of these: prepared once, raw rows with only the columns needed.
interface Asker extends AuthUser {
  lastActiveAt: number | null;
}
const authStatements = statementsFor(({ sqlite }) => ({
  session: sqlite.prepare<{ tokenHash: string; now: number }, Asker & { expiresAt: number }>(`
    SELECT u.id, u.username, u.role, u.last_active_at AS lastActiveAt, s.expires_at AS expiresAt
    FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = @tokenHash AND s.expires_at > @now AND u.active = 1`),
  apiToken: sqlite.prepare<{ tokenHash: string }, Asker & { tokenId: number; lastUsedAt: number | null }>(`
    SELECT u.id, u.username, u.role, u.last_active_at AS lastActiveAt, t.id AS tokenId, t.last_used_at AS lastUsedAt
    FROM api_tokens t JOIN users u ON u.id = t.user_id
    WHERE t.token_hash = @tokenHash AND t.revoked_at IS NULL AND u.active = 1`),
}));

const toAuthUser = (u: { id: number; username: string; role: AuthUser['role'] }): AuthUser => ({ id: u.id, username: u.username, role: u.role });

/** Best effort: a busy database (a long import holding the write lock) must not fail the request. */
function bestEffort(write: () => void) {
  try {
    write();
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) return;
    throw error;
  }
}

function touch(db: Db, userId: number, lastActiveAt: number | null, now: number) {
  if (lastActiveAt === null || now - lastActiveAt > ACTIVITY_RESOLUTION_MS) {
    bestEffort(() => db.orm.update(users).set({ lastActiveAt: now }).where(eq(users.id, userId)).run());
  }
}

export async function login(db: Db, throttle: LoginThrottle, username: string, password: string, clientKey: string) {
  const keys = [`user:${username}`, `ip:${clientKey}`];
  const wait = throttle.retryAfter(keys);
  if (wait > 0) {
    throw tooManyAttempts(wait);
  }
  const user = findUserByUsername(db, username);
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHashPromise));
  if (!user || !ok || !user.active) {
    throttle.fail(keys);
    db.sqlite.transaction(() => audit(db, user?.id ?? null, 'auth.login_failed', `user:${username}`))();
    throw invalidCredentials(Boolean(user && ok));
  }
  throttle.succeed(keys);
  const token = randomToken('');
  const now = Date.now();
  db.sqlite.transaction(() => {
    db.orm
      .insert(sessions)
      .values({ tokenHash: sha256(token), userId: user.id, createdAt: now, expiresAt: now + SESSION_TTL_MS })
      .run();
    db.orm.update(users).set({ lastActiveAt: now }).where(eq(users.id, user.id)).run();
    audit(db, user.id, 'auth.login', `user:${user.username}`);
  })();
  return { token, user: toAuthUser(user), expiresAt: now + SESSION_TTL_MS };
}

export function logout(db: Db, tokenHash: string) {
  db.orm.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
}

/** The user behind a session cookie, or null when unknown, expired or deactivated. Slides the expiry. */
export function resolveSession(db: Db, token: string): { user: AuthUser; tokenHash: string; renewed: boolean } | null {
  const tokenHash = sha256(token);
  const now = Date.now();
  const row = authStatements(db).session.get({ tokenHash, now });
  if (!row) return null;
  // Sliding expiry, renewed at most once per half-life; the caller sends the cookie again when renewed.
  let renewed = false;
  if (row.expiresAt - now < SESSION_TTL_MS / 2) {
    bestEffort(() => {
      db.orm
        .update(sessions)
        .set({ expiresAt: now + SESSION_TTL_MS })
        .where(eq(sessions.tokenHash, tokenHash))
        .run();
      renewed = true;
    });
  }
  touch(db, row.id, row.lastActiveAt, now);
  return { user: toAuthUser(row), tokenHash, renewed };
}

export function resolveApiToken(db: Db, token: string): AuthUser | null {
  const now = Date.now();
  const row = authStatements(db).apiToken.get({ tokenHash: sha256(token) });
  if (!row) return null;
  if (row.lastUsedAt === null || now - row.lastUsedAt > ACTIVITY_RESOLUTION_MS) {
    bestEffort(() => db.orm.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId)).run());
  }
  touch(db, row.id, row.lastActiveAt, now);
  return toAuthUser(row);
}

const toApiToken = (row: typeof apiTokens.$inferSelect): ApiToken => ({
  id: String(row.id),
  name: row.name,
  prefix: row.prefix,
  createdAt: new Date(row.createdAt).toISOString(),
  lastUsedAt: iso(row.lastUsedAt),
  revokedAt: iso(row.revokedAt),
});

/** Creates a token for a user; the token itself is returned this once and never stored. */
export function createApiToken(db: Db, userId: number, name: string, actorId: number | null) {
  const token = randomToken(TOKEN_PREFIX);
  return db.sqlite.transaction(() => {
    const row = db.orm
      .insert(apiTokens)
      .values({ userId, name, tokenHash: sha256(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) })
      .returning()
      .get();
    audit(db, actorId, 'token.create', `token:${row.id}`, { userId, name });
    return { token, apiToken: toApiToken(row) };
  })();
}

export const listApiTokens = (db: Db, userId: number) =>
  db.orm.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.id)).all().map(toApiToken);

/** Every user's tokens, or one user's (an unknown name is a 404, not an empty list), by user and newest first: for admins. */
export function listAllApiTokens(db: Db, username?: string): OwnedApiToken[] {
  const owner = username === undefined ? undefined : getUser(db, username);
  return db.orm
    .select({ token: apiTokens, username: users.username, userActive: users.active })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(owner && eq(apiTokens.userId, owner.id))
    .orderBy(users.username, desc(apiTokens.id))
    .all()
    .map((r): OwnedApiToken => ({
      ...toApiToken(r.token),
      username: r.username,
      status: r.token.revokedAt !== null ? 'revoked' : r.userActive ? 'active' : 'suspended',
    }));
}

/**
 * Revokes an active token: the asker's own when `ownerId` is given (another user's is then not
 * found), any user's otherwise (admins, the CLI). Requests carrying it fail from the next one on:
 * each request looks the token up afresh.
 */
export function revokeApiToken(db: Db, tokenId: number, by: { actorId: number | null; ownerId?: number }): OwnedApiToken {
  return db.sqlite.transaction((): OwnedApiToken => {
    const row = db.orm
      .update(apiTokens)
      .set({ revokedAt: Date.now() })
      .where(and(eq(apiTokens.id, tokenId), by.ownerId === undefined ? undefined : eq(apiTokens.userId, by.ownerId), isNull(apiTokens.revokedAt)))
      .returning()
      .get();
    if (!row) throw tokenNotFound(tokenId);
    const owner = db.orm.select({ username: users.username }).from(users).where(eq(users.id, row.userId)).get()!;
    audit(db, by.actorId, 'token.revoke', `token:${tokenId}`, { userId: row.userId, name: row.name });
    return { ...toApiToken(row), username: owner.username, status: 'revoked' };
  })();
}

export async function changePassword(db: Db, user: AuthUser, currentPassword: string, newPassword: string, keepSessionHash?: string) {
  const row = findUserByUsername(db, user.username);
  if (!row || !(await verifyPassword(currentPassword, row.passwordHash))) {
    throw wrongPassword();
  }
  const passwordHash = await hashPassword(newPassword);
  db.sqlite.transaction(() => {
    db.orm.update(users).set({ passwordHash }).where(eq(users.id, user.id)).run();
    // Other sessions end: whoever else knew the old password is logged out.
    for (const s of db.orm.select({ tokenHash: sessions.tokenHash }).from(sessions).where(eq(sessions.userId, user.id)).all()) {
      if (s.tokenHash !== keepSessionHash) db.orm.delete(sessions).where(eq(sessions.tokenHash, s.tokenHash)).run();
    }
    // A new password revokes every API token: one made from a stolen session must not outlive it.
    // Setting the same password again is no change, so tokens (scripts) keep working; the form refuses it.
    const revokedTokens = newPassword === currentPassword ? 0 : revokeAllApiTokens(db, user.id);
    audit(db, user.id, 'auth.password_change', `user:${user.username}`, { revokedTokens });
  })();
}
