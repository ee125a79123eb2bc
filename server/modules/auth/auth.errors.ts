import { createErrorFactory, notFound } from '#server/http/errors.ts';

export const tooManyAttempts = createErrorFactory({
  status: 429,
  code: 'auth.too_many_attempts',
  message: (waitMs: number) => `Too many failed logins. Try again in ${Math.ceil(waitMs / 60_000)} minute(s).`,
  details: (waitMs: number) => ({ retryAfterSeconds: Math.ceil(waitMs / 1000) }),
});

/** One answer for a wrong name and a wrong password, so a login does not tell which names exist. */
export const invalidCredentials = createErrorFactory({
  status: 401,
  code: 'auth.invalid_credentials',
  message: (deactivated: boolean) => (deactivated ? 'This account is deactivated. Ask an admin to turn it back on.' : 'Wrong username or password.'),
});

/** Its issue names the field, so a form shows it beside the current password. */
export const wrongPassword = createErrorFactory({
  status: 400,
  code: 'auth.wrong_password',
  message: 'The current password is wrong.',
  details: () => ({ issues: [{ path: 'currentPassword', message: 'is wrong' }] }),
});

export const tokenNotFound = (id: number) => notFound(`Active token ${id}`);
