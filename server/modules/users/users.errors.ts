import { createErrorFactory, notFound } from '#server/http/errors.ts';

export const userExists = createErrorFactory({
  status: 409,
  code: 'user.exists',
  message: (username: string) => `A user named "${username}" already exists.`,
});

export const userNotFound = (username: string) => notFound(`User "${username}"`);

export const lastAdmin = createErrorFactory({
  status: 409,
  code: 'user.last_admin',
  message: 'This is the last active admin: make another user admin first.',
});
