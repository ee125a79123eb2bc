import { z } from 'zod';
import { userSchema, type CreateUser, type updateUserSchema } from '#shared/users.ts';
import { api } from '../../lib/api.ts';

export type UpdateUser = z.infer<typeof updateUserSchema>;

const userResponse = z.object({ user: userSchema });

export const fetchUsers = async () => (await api('GET', '/users', { schema: z.object({ users: z.array(userSchema) }) })).users;

export const createUser = async (body: CreateUser) => (await api('POST', '/users', { body, schema: userResponse })).user;

/** Changes a role, (de)activates, or resets a password; the server ends the user's sessions on the last two and revokes their API tokens on a reset. */
export const updateUser = async (username: string, body: UpdateUser) =>
  (await api('PATCH', `/users/${encodeURIComponent(username)}`, { body, schema: userResponse })).user;
