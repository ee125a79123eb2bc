import { z } from 'zod';
import { createUserSchema, updateUserSchema, usernameSchema, userSchema } from '../users.ts';
import { admins, route } from './route.ts';

export const usersApi = {
  list: route({
    method: 'get',
    path: '/users',
    summary: 'All users with their role and last activity',
    roles: admins,
    response: z.object({ users: z.array(userSchema) }),
  }),
  create: route({
    method: 'post',
    path: '/users',
    summary: 'Create a user',
    roles: admins,
    body: createUserSchema,
    successStatus: 201,
    response: z.object({ user: userSchema }),
  }),
  update: route({
    method: 'patch',
    path: '/users/:username',
    summary: 'Change a user’s role, deactivate or reactivate them, or reset their password (which ends their sessions and revokes their API tokens)',
    roles: admins,
    params: z.object({ username: usernameSchema }),
    body: updateUserSchema,
    response: z.object({ user: userSchema }),
  }),
};
