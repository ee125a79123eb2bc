import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { bearer, cli, logIn, runCli, startChildServer, tempDir, type ChildServer } from './support/child-server.ts';

const SLUG = 'kept';
const ADMIN_PASSWORD = 'admin-password-for-backups';

/** A JSONL import file of `n` conversations whose completions are `size` characters long. */
function importFile(dir: string, n: number, size = 200): string {
  const file = path.join(dir, 'conversations.jsonl');
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      id: `c-${i}`,
      messages: [{ role: 'user', content: `Question ${i}` }],
      completions: [0, 1, 2].map((k) => ({ content: `Answer ${k} to ${i}: ${'x'.repeat(size)}`, model: `m-${k}` })),
    }),
  );
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function projectWith(dir: string, conversations: number, size?: number) {
  const db = path.join(dir, 'ordinal.db');
  await cli(db, ['projects', 'create', SLUG]);
  await cli(db, ['import', importFile(dir, conversations, size), '--project', SLUG]);
  return db;
}

/** An admin API client on a running server (the admin was created with ADMIN_PASSWORD on first start). */
async function adminApi(server: ChildServer) {
  const session = await logIn(server.url, 'admin', ADMIN_PASSWORD);
  expect(session.status).toBe(200);
  const response = await fetch(`${server.url}/api/v1/tokens`, {
    method: 'POST',
    headers: { cookie: session.cookie!, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'backups' }),
  });
  expect(response.status).toBe(201);
  return bearer(server.url, ((await response.json()) as { token: string }).token);
}

/** Ranks the next `n` comparisons of the project through the API. */
async function rank(api: ReturnType<typeof bearer>, n: number) {
  for (let i = 0; i < n; i++) {
    const next = await api('GET', `/projects/${SLUG}/next?kind=comparison`);
    expect(next.status).toBe(200);
    const { comparison } = (await next.json()) as { comparison: { id: string; candidates: { id: string }[] } };
    const ranking = comparison.candidates.map((c) => [c.id]).reverse();
    const put = await api('PUT', `/comparisons/${comparison.id}/ranking`, { ranking, note: `ranked ${i}`, durationMs: 1000 + i });
    expect(put.status, await put.text()).toBe(200);
  }
}

const exportRankings = async (db: string) => {
  const result = await runCli(['--db', db, 'export', '--project', SLUG, '--format', 'rankings']);
  expect(result.status, result.stderr).toBe(0);
  return result.stdoutBytes;
};

/** Overwrites `pages` pages in the middle of a (closed, checkpointed) database file with garbage. */
function damage(file: string, pages = 4) {
  const bytes = fs.readFileSync(file);
  const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
  const first = Math.floor(bytes.length / pageSize / 2);
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(pageSize * pages, 0xa5), 0, pageSize * pages, first * pageSize);
  fs.closeSync(fd);
}

describe('backup', () => {
  it('finishes while another connection commits without pause for the whole backup, and gives a sound copy', async () => {
    const dir = tempDir();
    // About 20 MB, thousands of pages: SQLite's online backup restarted on every commit here and never ended.
    const db = await projectWith(dir, 6000, 1000);
    const writer = new Database(db);
    writer.pragma('busy_timeout = 15000');
    const write = writer.prepare('UPDATE projects SET name = ? WHERE slug = ?');
    let commits = 0;
    let running = true;
    const load = (async () => {
      while (running) {
        write.run(`name ${++commits}`, SLUG);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();

    const copy = path.join(dir, 'backup.db');
    const before = commits;
    const backup = await runCli(['--db', db, 'backup', copy]);
    const during = commits - before;
    running = false;
    await load;
    writer.close();

    expect(backup.status, backup.stderr).toBe(0);
    expect(during, 'commits went on throughout the backup').toBeGreaterThan(50);
    const opened = new Database(copy, { readonly: true });
    expect(opened.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(opened.prepare<[], { n: number }>('SELECT count(*) AS n FROM comparisons').get()!.n).toBe(6000);
    expect(opened.prepare<[], { name: string }>('SELECT name FROM projects').pluck().get()).toMatch(/^name \d+$/);
    opened.close();
    expect(
      fs.readdirSync(dir).filter((name) => name.includes('partial')),
      'no temp file is left',
    ).toEqual([]);
  }, 120_000);

  it('is not blocked by the temp file a killed earlier attempt left behind', async () => {
    const dir = tempDir();
    const db = await projectWith(dir, 5);
    const copy = path.join(dir, 'backup.db');
    // What an attempt killed half-way leaves: a partial file under a dead process's name.
    fs.writeFileSync(path.join(dir, '.backup.db.partial-999999999'), 'half a database');
    const backup = await runCli(['--db', db, 'backup', copy]);
    expect(backup.status, backup.stderr).toBe(0);
    expect(fs.readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
    expect((await exportRankings(copy)).equals(await exportRankings(db))).toBe(true);
  }, 60_000);
});

describe('restore', () => {
  it('after a server was killed with SIGKILL, restores the backup exactly: exports are byte-identical to the backup’s', async () => {
    const dir = tempDir();
    const db = await projectWith(dir, 40);
    const server = await startChildServer({ db, env: { ORDINAL_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    const api = await adminApi(server);
    await rank(api, 10);
    const backup = path.join(dir, 'backup.db');
    await cli(db, ['backup', backup]);
    // Later work that the restore must undo, left in the WAL by a server that dies without a checkpoint.
    await rank(api, 10);
    await server.kill('SIGKILL');
    expect(fs.existsSync(`${db}-wal`), 'the killed server left its WAL').toBe(true);

    const expected = await exportRankings(backup);
    expect(expected.toString('utf8').trim().split('\n')).toHaveLength(10);
    const restored = await runCli(['--db', db, 'restore', backup]);
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stderr).toContain('Restored');
    expect((await exportRankings(db)).equals(expected)).toBe(true);

    // And the restored database serves again.
    const again = await startChildServer({ db });
    await again.kill();
  }, 120_000);

  it('refuses while a server has the database open, and leaves it untouched', async () => {
    const dir = tempDir();
    const db = await projectWith(dir, 10);
    const backup = path.join(dir, 'backup.db');
    await cli(db, ['backup', backup]);
    const server = await startChildServer({ db, env: { ORDINAL_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    try {
      await rank(await adminApi(server), 3);
      const result = await runCli(['--db', db, 'restore', backup]);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/in use.*stop the server/);
      // The server goes on with its own data.
      const next = await (await adminApi(server))('GET', `/projects/${SLUG}/next?kind=comparison`);
      expect(next.status).toBe(200);
    } finally {
      await server.kill();
    }
    expect((await exportRankings(db)).toString('utf8').trim().split('\n')).toHaveLength(3);
  }, 120_000);

  it('refuses a damaged backup and a file that is not an Ordinal database', async () => {
    const dir = tempDir();
    const db = await projectWith(dir, 300);
    const damaged = path.join(dir, 'damaged.db');
    await cli(db, ['backup', damaged]);
    damage(damaged);
    const foreign = path.join(dir, 'foreign.db');
    new Database(foreign).exec('CREATE TABLE t (x)');
    const original = await exportRankings(db);

    const refused = await runCli(['--db', db, 'restore', damaged]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/damaged/);
    const notOurs = await runCli(['--db', db, 'restore', foreign]);
    expect(notOurs.status).not.toBe(0);
    expect(notOurs.stderr).toMatch(/not an Ordinal/);
    expect((await exportRankings(db)).equals(original)).toBe(true);
  }, 60_000);
});

describe('a damaged database', () => {
  it('is refused by serve at start with a message that says to restore a backup with `ordinal restore`, and restore mends it', async () => {
    const dir = tempDir();
    const db = await projectWith(dir, 300);
    const backup = path.join(dir, 'backup.db');
    await cli(db, ['backup', backup]);
    damage(db);

    await expect(startChildServer({ db })).rejects.toThrow(/damaged.*ordinal restore/);

    const restored = await runCli(['--db', db, 'restore', backup]);
    expect(restored.status, restored.stderr).toBe(0);
    expect(JSON.parse(await cli(db, ['projects', 'list', '--json']))).toMatchObject([{ slug: SLUG }]);
  }, 120_000);
});
