import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { startServer } from './support/app.ts';
import { bearer, cli, logIn, runCli, startChildServer, tempDir, type ChildServer } from './support/child-server.ts';

/**
 * An admin manages access: every user's API tokens listed and revocable, passwords set, users
 * deactivated and given roles — from the API and from the CLI, under the same rules, audited.
 */

interface ListedToken {
  id: string;
  username: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  status: 'active' | 'suspended' | 'revoked';
}

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

const server = await startServer();
/** A database of its own, with one admin only. */
const soleAdminServer = await startServer();

describe('every user’s API tokens, over the API', () => {
  it('an admin lists them with name, created and last used, one user’s with ?user=, never the token itself', async () => {
    const admin = await server.user('admin');
    const trainer = await server.user('trainer');
    const researcher = await server.user('researcher');
    expect((await trainer.api('GET', '/projects')).status).toBe(200);

    const all = (await (await admin.api('GET', '/admin/tokens')).json()) as { tokens: ListedToken[] };
    const owners = all.tokens.map((t) => t.username);
    expect(owners).toEqual(expect.arrayContaining([admin.username, trainer.username, researcher.username]));
    expect(owners).toEqual([...owners].sort());
    const used = all.tokens.find((t) => t.username === trainer.username)!;
    expect(used).toMatchObject({ name: 'test', status: 'active', revokedAt: null, lastUsedAt: expect.any(String) });
    expect(Date.now() - Date.parse(used.lastUsedAt!)).toBeLessThan(60_000);
    expect(trainer.token.startsWith(used.prefix)).toBe(true);
    expect(JSON.stringify(all)).not.toContain(trainer.token);
    expect(all.tokens.find((t) => t.username === researcher.username)!.lastUsedAt).toBeNull();

    const one = (await (await admin.api('GET', `/admin/tokens?user=${trainer.username.toUpperCase()}`)).json()) as { tokens: ListedToken[] };
    expect(one.tokens.map((t) => t.username)).toEqual([trainer.username]);
    const unknown = await admin.api('GET', '/admin/tokens?user=nobody-here');
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).message).toBe('User "nobody-here" not found.');
  });

  it('an admin revokes another user’s token: it fails from the next request on, and the revocation is audited', async () => {
    const admin = await server.user('admin');
    const trainer = await server.user('trainer');
    const [token] = ((await (await admin.api('GET', `/admin/tokens?user=${trainer.username}`)).json()) as { tokens: ListedToken[] }).tokens;
    expect((await trainer.api('GET', '/session')).status).toBe(200);

    expect((await admin.api('DELETE', `/admin/tokens/${token!.id}`)).status).toBe(204);
    const refused = await trainer.api('GET', '/session');
    expect(refused.status).toBe(401);
    expect((await errorOf(refused)).message).toBe('The API token is invalid or revoked.');

    const [after] = ((await (await admin.api('GET', `/admin/tokens?user=${trainer.username}`)).json()) as { tokens: ListedToken[] }).tokens;
    expect(after).toMatchObject({ id: token!.id, status: 'revoked', revokedAt: expect.any(String) });
    const again = await admin.api('DELETE', `/admin/tokens/${token!.id}`);
    expect(again.status).toBe(404);
    expect((await errorOf(again)).message).toBe(`Active token ${token!.id} not found.`);

    const audited = server.db.sqlite
      .prepare<[string], { user_id: number | null; details: string }>("SELECT user_id, details FROM audit_log WHERE action = 'token.revoke' AND subject = ?")
      .all(`token:${token!.id}`);
    expect(audited).toHaveLength(1);
    expect(audited[0]!.user_id).toBe(admin.id);
    expect(JSON.parse(audited[0]!.details)).toMatchObject({ userId: trainer.id, name: 'test' });
  });

  it('a deactivated user’s tokens are listed as suspended, and active again once they are reactivated', async () => {
    const admin = await server.user('admin');
    const trainer = await server.user('trainer');
    const status = async () =>
      ((await (await admin.api('GET', `/admin/tokens?user=${trainer.username}`)).json()) as { tokens: ListedToken[] }).tokens[0]!.status;
    expect((await admin.api('PATCH', `/users/${trainer.username}`, { active: false })).status).toBe(200);
    expect(await status()).toBe('suspended');
    expect((await trainer.api('GET', '/session')).status).toBe(401);
    expect((await admin.api('PATCH', `/users/${trainer.username}`, { active: true })).status).toBe(200);
    expect(await status()).toBe('active');
    expect((await trainer.api('GET', '/session')).status).toBe(200);
  });

  it('only admins see or revoke other users’ tokens', async () => {
    const trainer = await server.user('trainer');
    const researcher = await server.user('researcher');
    const admin = await server.user('admin');
    const [adminToken] = ((await (await admin.api('GET', `/admin/tokens?user=${admin.username}`)).json()) as { tokens: ListedToken[] }).tokens;
    for (const user of [trainer, researcher]) {
      expect((await user.api('GET', '/admin/tokens')).status).toBe(403);
      expect((await user.api('DELETE', `/admin/tokens/${adminToken!.id}`)).status).toBe(403);
    }
    expect((await admin.api('GET', '/session')).status).toBe(200);
  });
});

describe('the last active admin, over the API', () => {
  it('can be neither deactivated nor demoted, in plain words, and nothing changes; with a second admin both work', async () => {
    const admin = await soleAdminServer.user('admin', 'only-admin');
    for (const change of [{ active: false }, { role: 'researcher' }]) {
      const res = await admin.api('PATCH', '/users/only-admin', change);
      expect(res.status).toBe(409);
      const error = await errorOf(res);
      expect(error.code).toBe('user.last_admin');
      expect(error.message).toMatch(
        /^only-admin is the last active admin, so they cannot be (deactivated|given another role): .* Make another user an admin first\.$/,
      );
    }
    expect(((await (await admin.api('GET', '/session')).json()) as { user: { role: string; active: boolean } }).user).toMatchObject({
      role: 'admin',
      active: true,
    });

    const second = await soleAdminServer.user('admin', 'second-admin');
    expect((await second.api('PATCH', '/users/only-admin', { role: 'researcher' })).status).toBe(200);
    expect((await admin.api('GET', '/users')).status).toBe(403);
  });
});

describe('the CLI on a running server’s database', () => {
  let dir: string;
  let db: string;
  let child: ChildServer;
  const adminPassword = 'first-admin-password';
  const fail = async (args: string[], input?: string) => {
    const result = await runCli(['--db', db, ...args], { input });
    expect(result.status, result.stdout).toBe(1);
    return result.stderr;
  };

  beforeAll(async () => {
    dir = tempDir();
    db = path.join(dir, 'ordinal.db');
    child = await startChildServer({ db, env: { ORDINAL_ADMIN_PASSWORD: adminPassword } });
    return () => child.kill();
  });

  it('a sole admin who forgot their password sets a new one from standard input, which ends their sessions and tokens, and logs in on the web', async () => {
    const before = await logIn(child.url, 'admin', adminPassword);
    expect(before.status).toBe(200);
    const token = (await cli(db, ['tokens', 'create', 'admin'])).trim();

    // Never from an argument, and the web's password rules.
    expect(await fail(['users', 'set-password', 'admin', 'a-new-admin-password'])).toMatch(/too many arguments/);
    expect(await fail(['users', 'set-password', 'admin'], 'short\n')).toBe('error: Invalid password: must be at least 10 characters\n');
    expect(await fail(['users', 'set-password', 'nobody'], 'a-new-admin-password\n')).toBe('error: User "nobody" not found.\n');
    expect((await logIn(child.url, 'admin', adminPassword)).status).toBe(200);

    const out = await cli(db, ['users', 'set-password', 'admin'], { input: 'a-new-admin-password\n' });
    expect(out).toBe('Set a new password for admin: they were logged out everywhere and their API tokens were revoked.\n');
    const sessionCheck = await fetch(`${child.url}/api/v1/session`, { headers: { cookie: before.cookie! } });
    expect(sessionCheck.status).toBe(401);
    expect((await bearer(child.url, token)('GET', '/session')).status).toBe(401);
    expect((await logIn(child.url, 'admin', adminPassword)).status).toBe(401);
    expect((await logIn(child.url, 'admin', 'a-new-admin-password')).status).toBe(200);
  });

  it('refuses to deactivate or demote the last active admin, with the web’s words, and changes nothing', async () => {
    const deactivate = await fail(['users', 'deactivate', 'admin']);
    expect(deactivate).toMatch(/^error: admin is the last active admin, so they cannot be deactivated: .*\n$/);
    const demote = await fail(['users', 'set-role', 'admin', 'trainer']);
    expect(demote).toMatch(/^error: admin is the last active admin, so they cannot be given another role: .*\n$/);

    const token = (await cli(db, ['tokens', 'create', 'admin'])).trim();
    const web = await bearer(child.url, token)('PATCH', '/users/admin', { active: false });
    expect(web.status).toBe(409);
    expect(`error: ${(await errorOf(web)).message}\n`).toBe(deactivate);
    expect(JSON.parse(await cli(db, ['users', 'list', '--json']))).toMatchObject([{ username: 'admin', role: 'admin', active: true }]);
  });

  it('deactivates a user, ending their session at once, activates them again and changes their role', async () => {
    await cli(db, ['users', 'add', 'bob', '--role', 'trainer'], { input: 'bob-password-long\n' });
    const { cookie } = await logIn(child.url, 'bob', 'bob-password-long');
    const session = () => fetch(`${child.url}/api/v1/session`, { headers: { cookie: cookie! } });
    expect((await session()).status).toBe(200);

    expect(await cli(db, ['users', 'deactivate', 'bob'])).toMatch(/^Deactivated bob: they were logged out/);
    expect((await session()).status).toBe(401);
    expect((await logIn(child.url, 'bob', 'bob-password-long')).status).toBe(401);
    expect(await cli(db, ['users', 'list'])).toMatch(/^bob\ttrainer\tdeactivated\t\S+$/m);

    expect(await cli(db, ['users', 'activate', 'bob'])).toBe('Activated bob: they can log in again.\n');
    const again = await logIn(child.url, 'bob', 'bob-password-long');
    expect(again.status).toBe(200);

    expect(await cli(db, ['users', 'set-role', 'bob', 'researcher'])).toBe('bob is now a researcher.\n');
    const me = await fetch(`${child.url}/api/v1/session`, { headers: { cookie: again.cookie! } });
    expect(((await me.json()) as { user: { role: string } }).user.role).toBe('researcher');
    expect(await fail(['users', 'set-role', 'bob', 'owner'])).toMatch(
      /value 'owner' is invalid for argument 'role'\. Allowed choices are admin, researcher, trainer\./,
    );

    const audited = new Database(db, { readonly: true });
    try {
      const rows = audited.prepare("SELECT user_id, details FROM audit_log WHERE action = 'user.update' AND subject = 'user:bob' ORDER BY id").all() as {
        user_id: number | null;
        details: string;
      }[];
      expect(rows.map((r) => JSON.parse(r.details) as unknown)).toEqual([{ active: false }, { active: true }, { role: 'researcher' }]);
      expect(rows.every((r) => r.user_id === null)).toBe(true);
    } finally {
      audited.close();
    }
  });

  it('lists every user’s tokens with their last use, for one user with --user, and revokes one, which fails at once', async () => {
    const token = (await cli(db, ['tokens', 'create', 'bob', '--name', 'nightly'])).trim();
    expect((await bearer(child.url, token)('GET', '/projects')).status).toBe(200);

    const listed = JSON.parse(await cli(db, ['tokens', 'list', '--json'])) as ListedToken[];
    expect(new Set(listed.map((t) => t.username))).toEqual(new Set(['admin', 'bob']));
    const nightly = listed.find((t) => t.name === 'nightly')!;
    expect(nightly).toMatchObject({ username: 'bob', status: 'active', lastUsedAt: expect.any(String) });
    expect(listed.filter((t) => t.username === 'admin').map((t) => t.status)).toEqual(['active', 'revoked']);

    const piped = await cli(db, ['tokens', 'list', '--user', 'bob']);
    expect(piped).toBe(`${nightly.id}\tbob\tnightly\t${nightly.prefix}…\t${nightly.createdAt}\t${nightly.lastUsedAt}\tactive\n`);
    expect(await fail(['tokens', 'list', '--user', 'nobody'])).toBe('error: User "nobody" not found.\n');

    expect(await cli(db, ['tokens', 'revoke', nightly.id])).toBe(`Revoked token ${nightly.id} “nightly” of bob.\n`);
    expect((await bearer(child.url, token)('GET', '/projects')).status).toBe(401);
    expect(await fail(['tokens', 'revoke', nightly.id])).toBe(`error: Active token ${nightly.id} not found.\n`);
    expect(await fail(['tokens', 'revoke', 'nightly'])).toMatch(/^error: Invalid token id: must be an id/);
  });

  it('describes the new commands in --help', async () => {
    const helps = await Promise.all(
      [
        ['users', 'set-password'],
        ['users', 'set-role'],
        ['tokens', 'list'],
      ].map((command) => runCli([...command, '--help'])),
    );
    for (const help of helps) expect(help.status, help.stderr).toBe(0);
    const [setPassword, setRole, list] = helps.map((h) => h.stdout);
    expect(setPassword).toContain('standard input');
    expect(setRole).toContain('(choices: "admin", "researcher", "trainer")');
    expect(list).toContain('--user <username>');
    expect(list).toContain('--json');
  });
});
