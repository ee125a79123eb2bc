import type { Login, User } from '#shared/users.ts';
import { api, ApiError } from '../../lib/api.ts';

export const login = async (body: Login) => (await api<{ user: User }>('POST', '/session', { body })).user;
export const logout = () => api('DELETE', '/session');

/** The logged-in user, or null when there is none. */
export async function currentUser() {
  try {
    return (await api<{ user: User }>('GET', '/session')).user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}
