import { z } from 'zod';
import { createUserSchema, updateUserSchema, usernameSchema, userSchema } from '#shared/users.ts';
import type { Db } from '#server/db/client.ts';
import { admins, defineRoute } from '#server/http/route.ts';
import { createUser, listUsers, updateUser } from './users.usecases.ts';

export const userRoutes = (db: Db) => [
  defineRoute({
    method: 'get',
    path: '/users',
    summary: 'All users with their role and last activity',
    roles: admins,
    response: z.object({ users: z.array(userSchema) }),
    handler: () => ({ users: listUsers(db) }),
  }),
  defineRoute({
    method: 'post',
    path: '/users',
    summary: 'Create a user',
    roles: admins,
    body: createUserSchema,
    successStatus: 201,
    response: z.object({ user: userSchema }),
    handler: async ({ user, body }) => ({ user: await createUser(db, body, user!.id) }),
  }),
  defineRoute({
    method: 'patch',
    path: '/users/:username',
    summary: 'Change a user’s role, deactivate or reactivate them, or reset their password (which ends their sessions and revokes their API tokens)',
    roles: admins,
    params: z.object({ username: usernameSchema }),
    body: updateUserSchema,
    response: z.object({ user: userSchema }),
    handler: async ({ user, params, body }) => ({ user: await updateUser(db, params.username, body, user!.id) }),
  }),
];
