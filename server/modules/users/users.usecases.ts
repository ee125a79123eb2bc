import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '#server/db/client.ts';
import type { CreateUser, User, UserRole } from '#shared/users.ts';
import { audit } from '#server/modules/audit/audit.ts';
import { hashPassword } from '#server/modules/auth/passwords.ts';
import { apiTokens, sessions, users, type UserRow } from './users.table.ts';
import { lastAdmin, userExists, userNotFound } from './users.errors.ts';

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const toUser = (row: UserRow): User => ({
  id: String(row.id),
  username: row.username,
  role: row.role,
  active: row.active,
  createdAt: new Date(row.createdAt).toISOString(),
  lastActiveAt: iso(row.lastActiveAt),
});

export async function createUser(db: Db, input: CreateUser, actorId: number | null): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  return db.sqlite
    .transaction(() => {
      if (findUserByUsername(db, input.username)) throw userExists(input.username);
      const row = db.orm.insert(users).values({ username: input.username, role: input.role, passwordHash }).returning().get();
      audit(db, actorId, 'user.create', `user:${row.username}`, { role: row.role });
      return toUser(row);
    })
    .immediate();
}

export const findUserByUsername = (db: Db, username: string) => db.orm.select().from(users).where(eq(users.username, username.toLowerCase())).get();

export function getUser(db: Db, username: string): UserRow {
  const row = findUserByUsername(db, username);
  if (!row) throw userNotFound(username);
  return row;
}

export const listUsers = (db: Db): User[] => db.orm.select().from(users).orderBy(users.username).all().map(toUser);

/**
 * Revokes every active API token of a user; how many it revoked. A new password must also lock out
 * whoever made a token from a stolen session, or the token outlives the password it was made under.
 */
export const revokeAllApiTokens = (db: Db, userId: number) =>
  db.orm
    .update(apiTokens)
    .set({ revokedAt: Date.now() })
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .run().changes;

export const countUsers = (db: Db) =>
  db.orm
    .select({ n: sql<number>`count(*)` })
    .from(users)
    .get()!.n;

/**
 * Nobody may lock everyone out of managing users: the last active admin is neither demoted nor
 * deactivated, whoever asks (the Users page, the API, the CLI all change users through updateUser).
 */
function refuseLockout(db: Db, row: UserRow, changes: { role?: UserRole; active?: boolean }) {
  const deactivates = changes.active === false;
  const demotes = changes.role !== undefined && changes.role !== 'admin';
  if (row.role !== 'admin' || !row.active || !(deactivates || demotes)) return;
  const activeAdmins = db.orm
    .select({ n: sql<number>`count(*)` })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.active, true)))
    .get()!.n;
  if (activeAdmins <= 1) throw lastAdmin(row.username, deactivates ? 'deactivated' : 'given another role');
}

/**
 * Changes a role, (de)activates, or sets a new password: the one way every caller (Users page, API,
 * CLI) changes a user. A role applies from the user's next request. Deactivating or a new password
 * ends every session of the user at once; a new password also revokes their API tokens, while
 * deactivating only suspends them (token lookups skip inactive users).
 */
export async function updateUser(
  db: Db,
  username: string,
  changes: { role?: UserRole; active?: boolean; password?: string },
  actorId: number | null,
): Promise<User> {
  const passwordHash = changes.password === undefined ? undefined : await hashPassword(changes.password);
  return db.sqlite
    .transaction(() => {
      const row = getUser(db, username);
      if (changes.role === undefined && changes.active === undefined && passwordHash === undefined) return toUser(row);
      refuseLockout(db, row, changes);
      const updated = db.orm.update(users).set({ role: changes.role, active: changes.active, passwordHash }).where(eq(users.id, row.id)).returning().get();
      if (changes.active === false || passwordHash) db.orm.delete(sessions).where(eq(sessions.userId, row.id)).run();
      const revokedTokens = passwordHash ? revokeAllApiTokens(db, row.id) : undefined;
      audit(db, actorId, 'user.update', `user:${row.username}`, {
        role: changes.role,
        active: changes.active,
        passwordReset: passwordHash ? true : undefined,
        revokedTokens,
      });
      return toUser(updated);
    })
    .immediate();
}
