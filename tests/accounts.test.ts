import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/app.ts';

/** Accounts: logging in and out, sessions, API tokens, passwords, and what protects them. */

const server = await startServer();

interface LoginResult {
  res: Response;
  /** `ordinal_session=…`, ready for a Cookie header; empty when no cookie was set. */
  cookie: string;
  setCookie: string;
}

async function login(on: TestServer, username: string, password: string, headers: Record<string, string> = {}): Promise<LoginResult> {
  const res = await fetch(`${on.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username, password }),
  });
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('ordinal_session=')) ?? '';
  return { res, cookie: setCookie.split(';')[0]!, setCookie };
}

/** A request as a browser holding the session cookie would send it (optionally with its Origin). */
function withCookie(cookie: string, method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/v1${pathname}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const withToken = (token: string, method: string, pathname: string, body?: unknown) =>
  fetch(`${server.url}/api/v1${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const errorCode = async (res: Response) => ((await res.json()) as { error?: { code?: string } }).error?.code;

describe('logging in', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie that then identifies the user', async () => {
    const user = await server.user('trainer');
    const { res, cookie, setCookie } = await login(server, user.username, user.password);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { username: user.username, role: 'trainer', active: true } });
    expect(cookie).toMatch(/^ordinal_session=.{20,}$/);
    const attributes = setCookie.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).toContain('path=/');

    const me = await withCookie(cookie, 'GET', '/session');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: { username: user.username, role: 'trainer' } });
  });

  it('takes the username in any case', async () => {
    const user = await server.user('trainer');
    const { res } = await login(server, user.username.toUpperCase(), user.password);
    expect(res.status).toBe(200);
  });

  it('refuses a wrong password, and an unknown user, with the same answer and no cookie', async () => {
    const user = await server.user('trainer');
    const wrong = await login(server, user.username, 'not-the-password');
    expect(wrong.res.status).toBe(401);
    const wrongBody = (await wrong.res.json()) as { error: { code: string; message: string } };
    expect(wrongBody.error.code).toBe('auth.invalid_credentials');
    expect(wrong.cookie).toBe('');

    const unknown = await login(server, 'nobody-by-this-name', 'not-the-password');
    expect(unknown.res.status).toBe(401);
    const unknownBody = (await unknown.res.json()) as { error: { code: string; message: string } };
    expect(unknownBody.error).toEqual(wrongBody.error);
    expect(unknown.cookie).toBe('');
  });

  it('without a session, the API answers 401', async () => {
    const res = await fetch(`${server.url}/api/v1/session`);
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('auth.required');
    const forged = await withCookie('ordinal_session=made-up', 'GET', '/session');
    expect(forged.status).toBe(401);
  });
});

describe('logging out', () => {
  it('ends the session: the cookie no longer works, and other sessions go on', async () => {
    const user = await server.user('trainer');
    const first = await login(server, user.username, user.password);
    const second = await login(server, user.username, user.password);
    const out = await withCookie(first.cookie, 'DELETE', '/session');
    expect(out.status).toBe(204);
    // The browser is told to drop the cookie.
    expect(out.headers.getSetCookie().some((c) => c.startsWith('ordinal_session=;') && /expires=Thu, 01 Jan 1970/i.test(c))).toBe(true);
    expect((await withCookie(first.cookie, 'GET', '/session')).status).toBe(401);
    expect((await withCookie(second.cookie, 'GET', '/session')).status).toBe(200);
  });
});

describe('deactivated users', () => {
  it('cannot log in, and their sessions and API tokens stop working at once', async () => {
    const admin = await server.user('admin');
    const user = await server.user('researcher');
    const { cookie } = await login(server, user.username, user.password);
    expect((await withCookie(cookie, 'GET', '/session')).status).toBe(200);
    expect((await user.api('GET', '/session')).status).toBe(200);

    const patch = await admin.api('PATCH', `/users/${user.username}`, { active: false });
    expect(patch.status).toBe(200);
    expect(await patch.json()).toMatchObject({ user: { username: user.username, active: false } });

    expect((await withCookie(cookie, 'GET', '/session')).status).toBe(401);
    expect((await user.api('GET', '/session')).status).toBe(401);
    expect((await user.api('GET', '/projects')).status).toBe(401);
    const again = await login(server, user.username, user.password);
    expect(again.res.status).toBe(401);
    expect(await errorCode(again.res)).toBe('auth.invalid_credentials');
    expect(again.cookie).toBe('');
  });

  it('can log in again once reactivated', async () => {
    const admin = await server.user('admin');
    const user = await server.user('trainer');
    expect((await admin.api('PATCH', `/users/${user.username}`, { active: false })).status).toBe(200);
    expect((await login(server, user.username, user.password)).res.status).toBe(401);
    expect((await admin.api('PATCH', `/users/${user.username}`, { active: true })).status).toBe(200);
    const { res, cookie } = await login(server, user.username, user.password);
    expect(res.status).toBe(200);
    expect((await withCookie(cookie, 'GET', '/session')).status).toBe(200);
  });
});

describe('cross-origin protection of cookie-authenticated writes', () => {
  const foreign = { origin: 'https://evil.example' };

  it('refuses a POST or PUT from a foreign origin, and nothing changes', async () => {
    const user = await server.user('trainer');
    const { cookie } = await login(server, user.username, user.password);
    const tokensBefore = ((await (await user.api('GET', '/tokens')).json()) as { tokens: unknown[] }).tokens.length;

    const post = await withCookie(cookie, 'POST', '/tokens', { name: 'stolen' }, foreign);
    expect(post.status).toBe(403);
    expect(await errorCode(post)).toBe('auth.cross_origin');
    const tokensAfter = ((await (await user.api('GET', '/tokens')).json()) as { tokens: unknown[] }).tokens.length;
    expect(tokensAfter).toBe(tokensBefore);

    const put = await withCookie(cookie, 'PUT', '/session/password', { currentPassword: user.password, newPassword: 'chosen by the attacker' }, foreign);
    expect(put.status).toBe(403);
    expect(await errorCode(put)).toBe('auth.cross_origin');
    expect((await login(server, user.username, user.password)).res.status).toBe(200);

    const del = await withCookie(cookie, 'DELETE', '/session', undefined, foreign);
    expect(del.status).toBe(403);
    expect((await withCookie(cookie, 'GET', '/session')).status).toBe(200);
  });

  it('refuses a cross-site write a browser marks only with Sec-Fetch-Site', async () => {
    const user = await server.user('trainer');
    const { cookie } = await login(server, user.username, user.password);
    const res = await withCookie(cookie, 'POST', '/tokens', { name: 'stolen' }, { 'sec-fetch-site': 'cross-site' });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('auth.cross_origin');
  });

  it('refuses a login posted from a foreign origin', async () => {
    const user = await server.user('trainer');
    const { res, cookie } = await login(server, user.username, user.password, foreign);
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('auth.cross_origin');
    expect(cookie).toBe('');
  });

  it('allows the same writes from the server’s own origin', async () => {
    const user = await server.user('trainer');
    const own = { origin: server.url, 'sec-fetch-site': 'same-origin' };
    const { res, cookie } = await login(server, user.username, user.password, own);
    expect(res.status).toBe(200);
    expect((await withCookie(cookie, 'POST', '/tokens', { name: 'mine' }, own)).status).toBe(201);
    const newPassword = `${user.password}-changed`;
    expect((await withCookie(cookie, 'PUT', '/session/password', { currentPassword: user.password, newPassword }, own)).status).toBe(204);
    expect((await withCookie(cookie, 'DELETE', '/session', undefined, own)).status).toBe(204);
  });

  it('lets reads through from any origin: they change nothing', async () => {
    const user = await server.user('trainer');
    const { cookie } = await login(server, user.username, user.password);
    expect((await withCookie(cookie, 'GET', '/session', undefined, foreign)).status).toBe(200);
  });

  it('asks no Origin of Bearer-token requests', async () => {
    const user = await server.user('trainer');
    const res = await fetch(`${server.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'from a script' }),
    });
    expect(res.status).toBe(201);
  });
});

describe('login throttling', () => {
  // The throttle lives in memory per server and counts per client address too, and every test
  // connects from 127.0.0.1: each test gets its own server.

  it('after 10 failed attempts for a username, the next one is refused with 429 even with the right password', async () => {
    const own = await startServer();
    const user = await own.user('trainer');
    for (let i = 0; i < 10; i++) {
      const { res } = await login(own, user.username, `wrong guess ${i}`);
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    const { res, cookie } = await login(own, user.username, user.password);
    expect(res.status).toBe(429);
    const body = (await res.json()) as { error: { code: string; details: { retryAfterSeconds: number } } };
    expect(body.error.code).toBe('auth.too_many_attempts');
    expect(body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(cookie).toBe('');
    // Sessions and tokens already held are not affected.
    expect((await user.api('GET', '/session')).status).toBe(200);
  });

  it('a successful login forgives the failures before it', async () => {
    const own = await startServer();
    const user = await own.user('trainer');
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9; i++) expect((await login(own, user.username, `wrong guess ${i}`)).res.status).toBe(401);
      expect((await login(own, user.username, user.password)).res.status, `round ${round + 1}`).toBe(200);
    }
  });

  it('also counts failures per client address, across usernames', async () => {
    const own = await startServer();
    const user = await own.user('trainer');
    for (let i = 0; i < 10; i++) expect((await login(own, `guess-${i}`, 'some password')).res.status).toBe(401);
    const { res } = await login(own, user.username, user.password);
    expect(res.status).toBe(429);
    expect(await errorCode(res)).toBe('auth.too_many_attempts');
  });
});

describe('API tokens', () => {
  it('are shown once, listed without the secret, and stop working once revoked', async () => {
    const user = await server.user('researcher');
    const { cookie } = await login(server, user.username, user.password);
    const created = await withCookie(cookie, 'POST', '/tokens', { name: 'nightly export' });
    expect(created.status).toBe(201);
    const { token, apiToken } = (await created.json()) as { token: string; apiToken: { id: string; name: string; prefix: string; revokedAt: string | null } };
    expect(token).toMatch(/^ord_.{20,}$/);
    expect(apiToken).toMatchObject({ name: 'nightly export', revokedAt: null });
    expect(token.startsWith(apiToken.prefix)).toBe(true);
    expect(apiToken.prefix.length).toBeLessThan(token.length / 2);

    const works = await withToken(token, 'GET', '/session');
    expect(works.status).toBe(200);
    expect(await works.json()).toMatchObject({ user: { username: user.username } });

    const listed = await withCookie(cookie, 'GET', '/tokens');
    expect(listed.status).toBe(200);
    const listText = await listed.text();
    expect(listText).not.toContain(token);
    const { tokens } = JSON.parse(listText) as { tokens: Record<string, unknown>[] };
    const entry = tokens.find((t) => t.id === apiToken.id);
    expect(entry).toMatchObject({ name: 'nightly export', prefix: apiToken.prefix, revokedAt: null });
    expect(entry).not.toHaveProperty('token');
    // Nor is the secret kept in the database, only its hash.
    const rows = server.db.sqlite.prepare('SELECT * FROM api_tokens').all();
    expect(JSON.stringify(rows)).not.toContain(token);

    const revoked = await withCookie(cookie, 'DELETE', `/tokens/${apiToken.id}`);
    expect(revoked.status).toBe(204);
    const refused = await withToken(token, 'GET', '/session');
    expect(refused.status).toBe(401);
    expect(await errorCode(refused)).toBe('auth.required');
    const after = (await (await withCookie(cookie, 'GET', '/tokens')).json()) as { tokens: { id: string; revokedAt: string | null }[] };
    expect(after.tokens.find((t) => t.id === apiToken.id)?.revokedAt).toEqual(expect.any(String));
    expect((await withCookie(cookie, 'DELETE', `/tokens/${apiToken.id}`)).status).toBe(404);
  });

  it('are one’s own: another user neither lists nor revokes them', async () => {
    const owner = await server.user('trainer');
    const other = await server.user('admin');
    const created = (await (await owner.api('POST', '/tokens', { name: 'private' })).json()) as { token: string; apiToken: { id: string } };
    const othersList = (await (await other.api('GET', '/tokens')).json()) as { tokens: { id: string }[] };
    expect(othersList.tokens.map((t) => t.id)).not.toContain(created.apiToken.id);
    expect((await other.api('DELETE', `/tokens/${created.apiToken.id}`)).status).toBe(404);
    expect((await withToken(created.token, 'GET', '/session')).status).toBe(200);
  });
});

describe('changing one’s password', () => {
  it('ends the other sessions, keeps the current one, and the old password stops working', async () => {
    const user = await server.user('trainer');
    const current = await login(server, user.username, user.password);
    const elsewhere = await login(server, user.username, user.password);
    const newPassword = 'a brand new passphrase';

    const res = await withCookie(current.cookie, 'PUT', '/session/password', { currentPassword: user.password, newPassword });
    expect(res.status).toBe(204);
    expect((await withCookie(current.cookie, 'GET', '/session')).status).toBe(200);
    expect((await withCookie(elsewhere.cookie, 'GET', '/session')).status).toBe(401);

    const old = await login(server, user.username, user.password);
    expect(old.res.status).toBe(401);
    expect(await errorCode(old.res)).toBe('auth.invalid_credentials');
    expect((await login(server, user.username, newPassword)).res.status).toBe(200);
  });

  it('requires the current password', async () => {
    const user = await server.user('trainer');
    const { cookie } = await login(server, user.username, user.password);
    const res = await withCookie(cookie, 'PUT', '/session/password', { currentPassword: 'not-the-password', newPassword: 'a brand new passphrase' });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('auth.wrong_password');
    expect((await login(server, user.username, user.password)).res.status).toBe(200);
  });

  it('refuses a new password shorter than 10 characters', async () => {
    const user = await server.user('trainer');
    const res = await user.api('PUT', '/session/password', { currentPassword: user.password, newPassword: 'short' });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('validation_failed');
    expect((await login(server, user.username, user.password)).res.status).toBe(200);
  });
});

describe('a new password ends API tokens', () => {
  const tokenOf = async (cookie: string, name: string) => ((await (await withCookie(cookie, 'POST', '/tokens', { name })).json()) as { token: string }).token;

  it('changing one’s password revokes every token made before it, such as one made from a stolen session', async () => {
    const user = await server.user('trainer');
    const own = await login(server, user.username, user.password);
    const stolen = await login(server, user.username, user.password);
    const thiefs = await tokenOf(stolen.cookie, 'made by a thief');
    expect((await withToken(thiefs, 'GET', '/session')).status).toBe(200);

    const res = await withCookie(own.cookie, 'PUT', '/session/password', { currentPassword: user.password, newPassword: 'a brand new passphrase' });
    expect(res.status).toBe(204);
    for (const token of [thiefs, user.token]) {
      const refused = await withToken(token, 'GET', '/projects');
      expect(refused.status).toBe(401);
      expect(await errorCode(refused)).toBe('auth.required');
    }
    const { tokens } = (await (await withCookie(own.cookie, 'GET', '/tokens')).json()) as { tokens: { revokedAt: string | null }[] };
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    expect(tokens.every((t) => t.revokedAt !== null)).toBe(true);
    // The current session stays, and a token made after the change works.
    expect((await withToken(await tokenOf(own.cookie, 'after the change'), 'GET', '/session')).status).toBe(200);
  });

  it('setting the same password again is no change: tokens keep working', async () => {
    const user = await server.user('trainer');
    expect((await user.api('PUT', '/session/password', { currentPassword: user.password, newPassword: user.password })).status).toBe(204);
    expect((await user.api('GET', '/session')).status).toBe(200);
  });

  it('an admin’s password reset revokes every token of that user, and only theirs', async () => {
    const admin = await server.user('admin');
    const user = await server.user('researcher');
    const bystander = await server.user('researcher');
    const { cookie } = await login(server, user.username, user.password);
    const made = await tokenOf(cookie, 'made before the reset');

    const res = await admin.api('PATCH', `/users/${user.username}`, { password: 'reset by the admin' });
    expect(res.status).toBe(200);
    for (const token of [made, user.token]) expect((await withToken(token, 'GET', '/projects')).status).toBe(401);
    expect((await withCookie(cookie, 'GET', '/session')).status).toBe(401);
    expect((await bystander.api('GET', '/projects')).status).toBe(200);
    expect((await admin.api('GET', '/projects')).status).toBe(200);
  });

  it('a role change leaves the user’s tokens alone', async () => {
    const admin = await server.user('admin');
    const user = await server.user('trainer');
    expect((await admin.api('PATCH', `/users/${user.username}`, { role: 'researcher' })).status).toBe(200);
    expect((await user.api('GET', '/projects')).status).toBe(200);
  });
});

describe('a session cookie that is not valid %-encoding', () => {
  const mangled = 'ordinal_session=%E0%A4%A';

  it('is no session: a route that needs a login answers 401, not 500', async () => {
    const res = await withCookie(mangled, 'GET', '/projects');
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('auth.required');
    expect((await withCookie(`theme=dark; ${mangled}`, 'GET', '/session')).status).toBe(401);
  });

  it('does not stop that browser from logging in, which replaces the cookie', async () => {
    const user = await server.user('trainer');
    const { res, cookie } = await login(server, user.username, user.password, { cookie: mangled });
    expect(res.status).toBe(200);
    expect(cookie).toMatch(/^ordinal_session=.{20,}$/);
    expect((await withCookie(cookie, 'GET', '/projects')).status).toBe(200);
  });
});

describe('password storage', () => {
  it('keeps only salted scrypt hashes, never the password itself', async () => {
    const admin = await server.user('admin');
    const shared = 'the same password for two';
    for (const username of ['twin-one', 'twin-two']) {
      expect((await admin.api('POST', '/users', { username, role: 'trainer', password: shared })).status).toBe(201);
    }
    const resetTo = 'reset by the admin';
    expect((await admin.api('PATCH', '/users/twin-two', { password: resetTo })).status).toBe(200);
    expect((await login(server, 'twin-one', shared)).res.status).toBe(200);
    expect((await login(server, 'twin-two', resetTo)).res.status).toBe(200);
    expect((await admin.api('POST', '/users', { username: 'twin-three', role: 'trainer', password: shared })).status).toBe(201);

    const rows = server.db.sqlite.prepare('SELECT username, password_hash AS hash FROM users').all() as { username: string; hash: string }[];
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      expect(row.hash, row.username).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      for (const secret of [shared, resetTo, admin.password]) expect(row.hash).not.toContain(secret);
    }
    // A fresh salt per hash: the same password never gives the same hash.
    const hashOf = (username: string) => rows.find((r) => r.username === username)!.hash;
    expect(hashOf('twin-three')).not.toBe(hashOf('twin-one'));

    // Nowhere in the database file (nor its write-ahead log) does a password appear in clear.
    const files = [server.db.file, `${server.db.file}-wal`].filter((f) => fs.existsSync(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      for (const secret of [shared, resetTo, admin.password]) expect(bytes.includes(secret), `${secret} in ${file}`).toBe(false);
    }
  });
});
