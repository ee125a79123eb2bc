import { usersApi } from '#shared/contract/users.ts';
import type { Db } from '#server/db/client.ts';
import { implement } from '#server/http/route.ts';
import { createUser, listUsers, updateUser } from './users.usecases.ts';

export const userRoutes = (db: Db) => [
  implement(usersApi.list, () => ({ users: listUsers(db) })),
  implement(usersApi.create, async ({ user, body }) => ({ user: await createUser(db, body, user.id) })),
  implement(usersApi.update, async ({ user, params, body }) => ({ user: await updateUser(db, params.username, body, user.id) })),
];
