import { createErrorFactory, notFound } from '#server/http/errors.ts';

export const userExists = createErrorFactory({
  status: 409,
  code: 'user.exists',
  message: (username: string) => `A user named "${username}" already exists.`,
  // Named as the field's issue, so a form shows it beside the username.
  details: () => ({ issues: [{ path: 'username', message: 'is already taken: choose another' }] }),
});

export const userNotFound = (username: string) => notFound(`User "${username}"`);

export const lastAdmin = createErrorFactory({
  status: 409,
  code: 'user.last_admin',
  message: (username: string, change: 'deactivated' | 'given another role') =>
    `${username} is the last active admin, so they cannot be ${change}: nobody could manage users then. Make another user an admin first.`,
});
