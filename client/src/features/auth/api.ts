import { z } from 'zod';
import { userSchema, type Login } from '#shared/users.ts';
import { api, ApiError } from '../../lib/api.ts';

const sessionSchema = z.object({ user: userSchema });

export const login = async (body: Login) => (await api('POST', '/session', { body, schema: sessionSchema })).user;
export const logout = () => api('DELETE', '/session');

/** The logged-in user, or null when there is none. */
export async function currentUser() {
  try {
    return (await api('GET', '/session', { schema: sessionSchema })).user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}
