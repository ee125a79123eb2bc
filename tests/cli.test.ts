import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { compiledCliIsFresh } from '../scripts/server-build.js';
import { bearer, cli, logIn, runCli, startChildServer, tempDir, type ChildServer } from './support/child-server.ts';

/** A JSONL import file of `n` conversations with three candidates each. */
function importFile(dir: string, n: number, prefix = 'c'): string {
  const file = path.join(dir, `${prefix}.jsonl`);
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      id: `${prefix}-${i}`,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: `What is ${i} squared?` },
      ],
      completions: [
        { content: `${i * i}`, model: 'small' },
        { content: `It is ${i * i}.`, model: 'large', params: { temperature: 0.7, seed: i } },
        { content: `Perhaps ${i * i + 1}, or something near it.`, model: 'large' },
      ],
      metadata: { source: 'cli-test' },
    }),
  );
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

type ProjectListing = { slug: string; name: string; overlap: number; allowTies: boolean; archived: boolean; progress: { comparisons: number } };
const projectsIn = async (db: string) => JSON.parse(await cli(db, ['projects', 'list', '--json'])) as ProjectListing[];

describe('--help', () => {
  const commands: [string, string[]][] = [
    ['serve', ['--port', '--host', '--no-demo']],
    ['users add', ['<username>', '--role', '--password', 'standard input']],
    ['users list', ['--json']],
    ['tokens create', ['<username>', '--name']],
    ['projects create', ['<slug>', '--name', '--overlap', '--ties']],
    ['projects update', ['<slug>', '--name', '--overlap', '--ties', '--archive', '--unarchive']],
    ['projects list', ['--json']],
    ['import', ['<file>', '--project', '--dry-run']],
    ['export', ['--project', '--format', '--split', '--test-share', '--out', 'rankings', 'trl', 'openai-dpo', 'hh', 'sft']],
    ['stats', ['--project', '--json']],
    ['backup', ['<file>']],
  ];
  it.concurrent.each(commands)('`ordinal %s --help` describes the command and its options', async (command, options) => {
    const result = await runCli([...command.split(' '), '--help']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Usage: ordinal ${command}`);
    for (const option of [...options, '--db']) expect(result.stdout).toContain(option);
  });

  it('projects create and update take the model endpoint options, and `sample` exists (docs/cli.md)', async () => {
    const [create, update, sample] = await Promise.all([
      runCli(['projects', 'create', '--help']),
      runCli(['projects', 'update', '--help']),
      runCli(['sample', '--help']),
    ]);
    for (const help of [create, update]) {
      expect(help.status).toBe(0);
      for (const option of ['--model-base-url', '--model', '--api-key-env']) expect(help.stdout).toContain(option);
    }
    expect(sample.status, sample.stderr).toBe(0);
    for (const option of ['--project', '--k']) expect(sample.stdout).toContain(option);
  });
});

describe('every command finds its database through --db or ORDINAL_DB', () => {
  it.concurrent.each(['flag', 'env'] as const)(
    'with the database given by %s, every command uses it, creating and migrating a new file',
    async (via) => {
      const cwd = tempDir();
      const dir = tempDir();
      const db = path.join(dir, 'not', 'yet', 'there.db');
      const run = (args: string[], input?: string) =>
        runCli(via === 'flag' ? ['--db', db, ...args] : args, { cwd, input, env: via === 'env' ? { ORDINAL_DB: db } : {} });
      const ok = async (args: string[], input?: string) => {
        const result = await run(args, input);
        expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(0);
        return result.stdout;
      };

      expect(JSON.parse(await ok(['users', 'list', '--json']))).toEqual([]);
      const migrated = new Database(db, { readonly: true });
      const tables = migrated
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
        .all()
        .map((t) => t.name);
      migrated.close();
      expect(tables).toEqual(expect.arrayContaining(['users', 'projects', 'comparisons', 'rankings']));

      await ok(['projects', 'create', 'p1']);
      await ok(['users', 'add', 'u1', '--role', 'trainer', '--password', 'u1-password-long']);
      expect(await ok(['tokens', 'create', 'u1'])).toMatch(/^ord_/);
      await ok(['import', importFile(dir, 2), '--project', 'p1']);
      await ok(['projects', 'update', 'p1', '--name', 'Project one']);
      const listed = JSON.parse(await ok(['projects', 'list', '--json'])) as ProjectListing[];
      expect(listed).toMatchObject([{ slug: 'p1', name: 'Project one', progress: { comparisons: 2 } }]);
      expect(await ok(['export', '--project', 'p1', '--format', 'rankings'])).toBe('');
      expect(JSON.parse(await ok(['stats', '--project', 'p1', '--json']))).toMatchObject({ comparisons: 2, rankings: 0 });
      await ok(['backup', path.join(dir, 'backup.db')]);
      expect(fs.existsSync(path.join(dir, 'backup.db'))).toBe(true);

      const server = await startChildServer({ db, dbVia: via });
      try {
        expect(server.stdout()).toContain(db);
      } finally {
        await server.kill();
      }
      // Nothing fell back to the default ./data/ordinal.db.
      expect(fs.existsSync(path.join(cwd, 'data'))).toBe(false);
    },
    120_000,
  );
});

describe('the server and the commands on one database', () => {
  let dir: string;
  let db: string;
  let server: ChildServer;

  beforeAll(async () => {
    dir = tempDir();
    db = path.join(dir, 'fresh', 'ordinal.db');
    server = await startChildServer({ db });
  });

  it('serve on an empty database prints its URL and an admin password once, and they log in', async () => {
    const out = server.stdout();
    expect(out).toContain(`http://localhost:${server.port}`);
    const username = /username: (\S+)/.exec(out)?.[1];
    const password = /password: (\S+)/.exec(out)?.[1];
    expect(username).toBe('admin');
    expect(password).toBeDefined();
    expect(out.split(password!)).toHaveLength(2);
    expect((await logIn(server.url, username!, password!)).status).toBe(200);
    expect((await logIn(server.url, username!, `${password}x`)).status).toBe(401);
  });

  it('users add reads the password from standard input when --password is absent', async () => {
    const result = await runCli(['--db', db, 'users', 'add', 'alice', '--role', 'trainer'], { input: 'alice-typed-this-password\n' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('alice');
    expect((await logIn(server.url, 'alice', 'alice-typed-this-password')).status).toBe(200);
  });

  it('users add refuses a short password with a clear message and a non-zero exit', async () => {
    const [given, typed] = await Promise.all([
      runCli(['--db', db, 'users', 'add', 'bob', '--role', 'trainer', '--password', 'short']),
      runCli(['--db', db, 'users', 'add', 'bobby', '--role', 'trainer'], { input: 'short\n' }),
    ]);
    for (const result of [given, typed]) {
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/password.*at least 10 characters/);
      expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    }
    const users = JSON.parse(await cli(db, ['users', 'list', '--json'])) as { username: string }[];
    expect(users.map((u) => u.username)).not.toContain('bob');
    expect(users.map((u) => u.username)).not.toContain('bobby');
  });

  it('tokens create prints the token alone on one line, and it works as a Bearer token', async () => {
    await cli(db, ['users', 'add', 'carol', '--role', 'researcher', '--password', 'carol-password-long']);
    const out = await cli(db, ['tokens', 'create', 'carol']);
    expect(out).toMatch(/^ord_[A-Za-z0-9_-]+\n$/);
    const response = await bearer(server.url, out.trim())('GET', '/session');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { user: { username: string } }).user.username).toBe('carol');
    expect((await bearer(server.url, `${out.trim()}x`)('GET', '/session')).status).toBe(401);
  });

  it('projects create takes --overlap and --ties; projects update --archive archives', async () => {
    await cli(db, ['projects', 'create', 'demo2', '--overlap', '3', '--ties']);
    expect((await projectsIn(db)).find((p) => p.slug === 'demo2')).toMatchObject({ overlap: 3, allowTies: true, archived: false });
    await cli(db, ['projects', 'update', 'demo2', '--archive']);
    expect((await projectsIn(db)).find((p) => p.slug === 'demo2')).toMatchObject({ overlap: 3, allowTies: true, archived: true });
    await cli(db, ['projects', 'update', 'demo2', '--unarchive']);
    expect((await projectsIn(db)).find((p) => p.slug === 'demo2')).toMatchObject({ archived: false });
  });

  describe('with rankings', () => {
    const slug = 'data';
    const conversations = 12;
    let rankings = 0;

    beforeAll(async () => {
      await cli(db, ['projects', 'create', slug, '--overlap', '2']);
      expect(await cli(db, ['import', importFile(dir, conversations), '--project', slug])).toContain(`${conversations} comparisons`);
      await Promise.all(['dave', 'erin'].map((u) => cli(db, ['users', 'add', u, '--role', 'trainer', '--password', `${u}-password-long`])));
      const tokens = await Promise.all(['dave', 'erin'].map(async (u) => (await cli(db, ['tokens', 'create', u])).trim()));
      for (const token of tokens) {
        const api = bearer(server.url, token);
        for (;;) {
          const next = await api('GET', `/projects/${slug}/next?kind=comparison`);
          if (next.status === 204) break;
          expect(next.status).toBe(200);
          const { comparison } = (await next.json()) as { comparison: { id: string; candidates: { id: string }[] } };
          const ids = comparison.candidates.map((c) => c.id).sort((a, b) => Number(a) - Number(b));
          const put = await api('PUT', `/comparisons/${comparison.id}/ranking`, { ranking: ids.map((id) => [id]), durationMs: 1000 });
          expect(put.status).toBe(200);
          rankings++;
        }
      }
      expect(rankings).toBe(2 * conversations);
    });

    it('export writes to standard output, and with --out the same bytes to the file', async () => {
      for (const format of ['rankings', 'trl']) {
        const out = path.join(dir, `export-${format}.jsonl`);
        const [piped, written] = await Promise.all([
          runCli(['--db', db, 'export', '--project', slug, '--format', format]),
          runCli(['--db', db, 'export', '--project', slug, '--format', format, '--out', out]),
        ]);
        expect(piped.status, piped.stderr).toBe(0);
        expect(written.status, written.stderr).toBe(0);
        expect(written.stdout).toBe('');
        expect(piped.stdoutBytes.length).toBeGreaterThan(0);
        expect(fs.readFileSync(out).equals(piped.stdoutBytes)).toBe(true);
        const lines = piped.stdout.trimEnd().split('\n');
        // rankings: one row per trainer per comparison; trl: 3 pairs per fully ordered 3-candidate ranking.
        expect(lines).toHaveLength(format === 'rankings' ? rankings : 3 * rankings);
        for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      }
    });

    it('stats --json reports the comparisons and the rankings', async () => {
      const stats = JSON.parse(await cli(db, ['stats', '--project', slug, '--json'])) as { comparisons: number; rankings: number };
      expect(stats).toMatchObject({ comparisons: conversations, rankings });
    });

    it('stats --json has the agreement, bias and per-trainer figures docs/cli.md promises', async () => {
      const stats = JSON.parse(await cli(db, ['stats', '--project', slug, '--json']));
      expect(stats).toHaveProperty('agreement.pairwise');
      expect(stats).toHaveProperty('agreement.kendallTau');
      expect(stats).toHaveProperty('lengthBias.longerPreferred');
      expect(Array.isArray(stats.positionBias?.byShownPosition)).toBe(true);
      expect(stats.trainers).toHaveLength(2);
      for (const trainer of stats.trainers) {
        for (const key of ['username', 'rankings', 'agreement', 'goldAccuracy', 'longerPreferred']) expect(trainer).toHaveProperty(key);
      }
    });

    it('backup, taken while the server runs, is a database that gives byte-identical exports', async () => {
      const copy = path.join(dir, 'backup.db');
      const backup = await runCli(['--db', db, 'backup', copy]);
      expect(backup.status, backup.stderr).toBe(0);
      const opened = new Database(copy, { readonly: true });
      expect(opened.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(opened.prepare<[], { n: number }>('SELECT count(*) AS n FROM rankings').get()!.n).toBe(rankings);
      opened.close();
      for (const format of ['rankings', 'trl', 'hh']) {
        const [original, restored] = await Promise.all([
          runCli(['--db', db, 'export', '--project', slug, '--format', format]),
          runCli(['--db', copy, 'export', '--project', slug, '--format', format]),
        ]);
        expect(original.status, original.stderr).toBe(0);
        expect(restored.status, restored.stderr).toBe(0);
        expect(original.stdoutBytes.length).toBeGreaterThan(0);
        expect(restored.stdoutBytes.equals(original.stdoutBytes), format).toBe(true);
      }
    });

    it('the compiled CLI (npm run build) and the TypeScript sources export the same bytes', async () => {
      expect(compiledCliIsFresh(), 'the global setup compiles the CLI, and bin/ordinal.js then runs it').toBe(true);
      for (const format of ['rankings', 'trl', 'sft']) {
        const [compiled, typescript] = await Promise.all([
          runCli(['--db', db, 'export', '--project', slug, '--format', format]),
          runCli(['--db', db, 'export', '--project', slug, '--format', format], { typescript: true }),
        ]);
        expect(compiled.status, compiled.stderr).toBe(0);
        expect(typescript.status, typescript.stderr).toBe(0);
        expect(compiled.stdoutBytes.equals(typescript.stdoutBytes), format).toBe(true);
      }
    });

    it('backup refuses to overwrite an existing file', async () => {
      const existing = path.join(dir, 'precious.db');
      fs.writeFileSync(existing, 'not to be overwritten');
      const result = await runCli(['--db', db, 'backup', existing]);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/exists/);
      expect(fs.readFileSync(existing, 'utf8')).toBe('not to be overwritten');
    });
  });

  it('a second start of serve prints the URL but no password', async () => {
    const firstPassword = /password: (\S+)/.exec(server.stdout())![1]!;
    await server.kill('SIGTERM');
    const again = await startChildServer({ db });
    try {
      expect(again.stdout()).toContain(`http://localhost:${again.port}`);
      expect(again.stdout()).not.toMatch(/password/i);
      expect(again.stdout()).not.toContain(firstPassword);
      expect((await logIn(again.url, 'admin', firstPassword)).status).toBe(200);
    } finally {
      await again.kill();
    }
  });
});

describe('the environment', () => {
  it('serve refuses a malformed variable at start, naming it, instead of running with NaN', async () => {
    const db = path.join(tempDir(), 'ordinal.db');
    const result = await runCli(['--db', db, 'serve', '--port', '0'], { env: { ORDINAL_MODEL_CONCURRENCY: 'abc', ORDINAL_SHUTDOWN_TIMEOUT_MS: '-5' } });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'error: Invalid environment: ORDINAL_MODEL_CONCURRENCY="abc": must be a whole number of at least 1; ORDINAL_SHUTDOWN_TIMEOUT_MS="-5": must be a whole number of at least 0\n',
    );
    expect(fs.existsSync(db)).toBe(false);
  });

  it('serve refuses a malformed upload limit or log level the same way, before anything else reads them', async () => {
    const db = path.join(tempDir(), 'ordinal.db');
    const result = await runCli(['--db', db, 'serve', '--port', '0'], { env: { ORDINAL_MAX_UPLOAD_BYTES: '4GB', LOG_LEVEL: 'loud' } });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'error: Invalid environment: ORDINAL_MAX_UPLOAD_BYTES="4GB": must be a whole number of at least 1; LOG_LEVEL="loud": must be one of fatal, error, warn, info, debug, trace, silent\n',
    );
    expect(fs.existsSync(db)).toBe(false);
  });
});

describe('the demo project', () => {
  it('serve on an empty database without --no-demo creates the "demo" project with at least 20 comparisons', async () => {
    const db = path.join(tempDir(), 'ordinal.db');
    const server = await startChildServer({ db, args: [], env: { ORDINAL_ADMIN_PASSWORD: 'the-admin-password' } });
    try {
      expect(server.stdout()).toContain('demo');
      const session = await logIn(server.url, 'admin', 'the-admin-password');
      expect(session.status).toBe(200);
      const response = await fetch(`${server.url}/api/v1/projects/demo`, { headers: { cookie: session.cookie! } });
      expect(response.status).toBe(200);
      const { project } = (await response.json()) as { project: ProjectListing };
      expect(project.progress.comparisons).toBeGreaterThanOrEqual(20);
    } finally {
      await server.kill();
    }
  }, 60_000);
});
