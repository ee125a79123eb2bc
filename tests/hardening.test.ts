import { describe, expect, it } from 'vitest';
import { startServer } from './support/app.ts';

const server = await startServer({ serveClient: true });

async function logIn(username: string, password: string) {
  const res = await fetch(`${server.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

describe('security headers', () => {
  it('forbid inline script, framing by other sites and MIME sniffing, on pages and API alike', async () => {
    for (const path of ['/', '/login', '/api/v1/openapi.json']) {
      const res = await fetch(`${server.url}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
      expect(scriptSrc, path).toContain("'self'");
      expect(scriptSrc, path).not.toContain('unsafe-inline');
      expect(csp, path).toMatch(/object-src 'none'/);
      expect(csp, path).toMatch(/frame-ancestors 'self'/);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('the built page itself holds no inline script for the policy to block', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).toMatch(/<script type="module"[^>]* src="\/assets\//);
    expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
  });
});

describe('sessions', () => {
  it('end when they expire', async () => {
    const user = await server.user('trainer');
    const cookie = await logIn(user.username, user.password);
    expect((await fetch(`${server.url}/api/v1/session`, { headers: { cookie } })).status).toBe(200);
    server.db.sqlite.prepare('UPDATE sessions SET expires_at = ? WHERE user_id = ?').run(Date.now() - 1, user.id);
    const res = await fetch(`${server.url}/api/v1/session`, { headers: { cookie } });
    expect(res.status).toBe(401);
  });

  it('end on logout, and the cookie is cleared', async () => {
    const user = await server.user('trainer');
    const cookie = await logIn(user.username, user.password);
    const out = await fetch(`${server.url}/api/v1/session`, { method: 'DELETE', headers: { cookie, origin: server.url } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/ordinal_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await fetch(`${server.url}/api/v1/session`, { headers: { cookie } })).status).toBe(401);
  });
});

describe('admins', () => {
  it('cannot remove the last active admin, so nobody is locked out of the users page', async () => {
    const fresh = await startServer();
    const only = await fresh.user('admin');
    const demote = await only.api('PATCH', `/users/${only.username}`, { role: 'trainer' });
    expect(demote.status).toBe(409);
    expect(((await demote.json()) as { error: { code: string } }).error.code).toBe('user.last_admin');
    expect((await only.api('PATCH', `/users/${only.username}`, { active: false })).status).toBe(409);
    const second = await fresh.user('admin');
    expect((await second.api('PATCH', `/users/${only.username}`, { active: false })).status).toBe(200);
  });
});

describe('request bodies', () => {
  const post = (headers: Record<string, string>, body: string) => fetch(`${server.url}/api/v1/session`, { method: 'POST', headers, body });
  const errorOf = async (res: Response) => ({ status: res.status, ...((await res.json()) as { error: { code: string; message: string } }).error });

  it('are refused with a status and a message that say what is wrong with them', async () => {
    expect(await errorOf(await post({ 'content-type': 'application/json' }, '{"username": '))).toMatchObject({ status: 400, code: 'body.invalid_json' });
    expect(await errorOf(await post({ 'content-type': 'application/json; charset=latin1' }, '{}'))).toMatchObject({
      status: 415,
      code: 'body.unsupported_charset',
      message: expect.stringContaining('latin1'),
    });
    expect(await errorOf(await post({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, '{}'))).toMatchObject({
      status: 415,
      code: 'body.unsupported_encoding',
    });
    expect(await errorOf(await post({ 'content-type': 'application/json' }, ' '.repeat(21 * 1024 * 1024)))).toMatchObject({
      status: 413,
      code: 'body.too_large',
      message: expect.stringContaining('20 MiB'),
    });
    for (const bare of ['null', '42', '"text"']) {
      expect(await errorOf(await post({ 'content-type': 'application/json' }, bare)), bare).toMatchObject({ status: 400, code: 'body.invalid_json' });
    }
    // Not sent as JSON: as if no body came, so the schema names every missing field.
    const plain = await errorOf(await post({ 'content-type': 'text/plain' }, '{"username":"a","password":"b"}'));
    expect(plain).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(plain.message).toMatch(/username/);
  });

  it('may begin with a byte-order mark, as files saved by some editors do', async () => {
    const trainer = await server.user('trainer');
    const res = await post({ 'content-type': 'application/json' }, `\uFEFF${JSON.stringify({ username: trainer.username, password: trainer.password })}`);
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it('reach routes spelled with a trailing slash or in another case, as before', async () => {
    for (const path of ['/openapi.json', '/openapi.json/', '/OpenAPI.json']) expect((await fetch(`${server.url}/api/v1${path}`)).status, path).toBe(200);
    expect((await fetch(`${server.url}/api/v1/openapi.json`, { method: 'HEAD' })).status).toBe(200);
    const trainer = await server.user('trainer');
    expect((await trainer.api('GET', '/session/')).status).toBe(200);
    expect((await trainer.api('GET', '/SESSION')).status).toBe(200);
    expect((await trainer.api('GET', '/no/such/route')).status).toBe(404);
  });
});
