import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#server/app.ts';
import { openDatabase } from '#server/db/client.ts';
import { createLogger } from '#server/logger.ts';
import { createApiToken } from '#server/modules/auth/auth.usecases.ts';
import { createProject } from '#server/modules/projects/projects.usecases.ts';
import { createUser } from '#server/modules/users/users.usecases.ts';
import { uploadsDir } from '#server/paths.ts';
import { conversation, freshDbFile, rankEveryComparison, startServer, type TestServer } from './support/app.ts';
import { repoRoot, runCli, startChildServer, tempDir } from './support/child-server.ts';

const COMPARISONS = 3000;
/** trl writes one row per ordered pair of a four-way ranking. */
const ROWS = COMPARISONS * 6;

describe('ordinal export --out', () => {
  let server: TestServer;
  let slug: string;

  beforeAll(async () => {
    server = await startServer();
    slug = server.project({ overlap: 1 });
    expect(
      (
        await server.importLines(
          slug,
          Array.from({ length: COMPARISONS }, (_, i) => conversation(`c-${i}`, 4)),
        )
      ).status,
    ).toBe(200);
    rankEveryComparison(server.db, slug, (await server.user('trainer')).id);
  });

  /** Starts `ordinal export --format trl --out <dir>/train.jsonl` and resolves once its temporary file exists. */
  async function startExport(dir: string) {
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin/ordinal.js'), '--db', server.db.file, 'export', '--project', slug, '--format', 'trl', '--out', path.join(dir, 'train.jsonl')],
      {
        env: { ...process.env, LOG_LEVEL: 'silent' },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const deadline = Date.now() + 30_000;
    while (!fs.readdirSync(dir).some((name) => name.endsWith('.partial'))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error('the export never created its temporary file');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return { child, exited };
  }

  it('a finished export has every row under its name and nothing else beside it', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'train.jsonl');
    const result = await runCli(['--db', server.db.file, 'export', '--project', slug, '--format', 'trl', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Wrote ${ROWS} records to ${out}`);
    expect(fs.readFileSync(out, 'utf8').split('\n')).toHaveLength(ROWS + 1);
    expect(fs.readdirSync(dir)).toEqual(['train.jsonl']);
  });

  it('an export killed with SIGKILL leaves no file under the name asked for', async () => {
    const dir = tempDir();
    const { child, exited } = await startExport(dir);
    child.kill('SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');
    expect(fs.existsSync(path.join(dir, 'train.jsonl'))).toBe(false);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('an export stopped with %s removes its temporary file and writes nothing', async (signal) => {
    const dir = tempDir();
    const { child, exited } = await startExport(dir);
    child.kill(signal);
    expect((await exited).signal).toBe(signal);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('an export into a folder that does not exist fails with status 2 and creates nothing', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'missing', 'train.jsonl');
    const result = await runCli(['--db', server.db.file, 'export', '--project', slug, '--format', 'trl', '--out', out]);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toContain(`error: Could not write ${out}: ENOENT`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('an export whose name cannot be taken at the end fails with status 2 and removes its temporary file', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'train.jsonl');
    fs.mkdirSync(out);
    const result = await runCli(['--db', server.db.file, 'export', '--project', slug, '--format', 'trl', '--out', out]);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toContain(`error: Could not write ${out}`);
    expect(fs.readdirSync(dir)).toEqual(['train.jsonl']);
    expect(fs.readdirSync(out)).toEqual([]);
  });
});

describe('HTTP import uploads', () => {
  it('are kept beside the database and none is left after an import, good or bad', async () => {
    const server = await startServer();
    const slug = server.project();
    expect((await server.importLines(slug, [conversation('good-1'), conversation('good-2')])).status).toBe(200);
    expect((await server.importLines(slug, [conversation('good-3'), 'not json'])).status).toBe(400);
    const uploads = uploadsDir(server.db.file);
    expect(path.dirname(uploads)).toBe(path.dirname(path.resolve(server.db.file)));
    expect(fs.readdirSync(uploads)).toEqual([]);
  });

  it('an upload left by an earlier process is swept when the app starts; one this process is receiving is kept', () => {
    const db = openDatabase(freshDbFile());
    const uploads = uploadsDir(db.file);
    fs.mkdirSync(uploads, { recursive: true });
    const stale = path.join(uploads, 'stale.jsonl');
    fs.writeFileSync(stale, '{"id":"x"}\n');
    const beforeThisProcess = new Date(performance.timeOrigin - 60_000);
    fs.utimesSync(stale, beforeThisProcess, beforeThisProcess);
    const current = path.join(uploads, 'current.jsonl');
    fs.writeFileSync(current, '{"id":"y"}\n');
    createApp({ db, logger: createLogger() });
    expect(fs.readdirSync(uploads)).toEqual(['current.jsonl']);
    db.sqlite.close();
  });

  it('a server killed in the middle of an upload leaves it only until the next start', async () => {
    const file = path.join(tempDir(), 'ordinal.db');
    const db = openDatabase(file);
    const admin = await createUser(db, { username: 'admin', role: 'admin', password: 'admin-password-leftovers' }, null);
    const { token } = createApiToken(db, Number(admin.id), 'test', null);
    createProject(db, { name: 'Uploads', slug: 'uploads' }, null);
    db.sqlite.close();
    const uploads = uploadsDir(file);

    const first = await startChildServer({ db: file });
    const line = `${JSON.stringify(conversation('slow'))}\n`;
    // An upload that sends one line and then never ends, like a large file still on its way.
    const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(new TextEncoder().encode(line)) });
    const upload = fetch(`${first.url}/api/v1/projects/uploads/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      body,
      duplex: 'half',
    } as RequestInit).catch(() => null);
    const deadline = Date.now() + 30_000;
    while (!(fs.existsSync(uploads) && fs.readdirSync(uploads).some((name) => fs.statSync(path.join(uploads, name)).size > 0))) {
      if (Date.now() > deadline) throw new Error('the upload never reached the uploads folder');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await first.kill('SIGKILL');
    await upload;
    expect(fs.readdirSync(uploads)).toHaveLength(1);

    const second = await startChildServer({ db: file });
    expect(fs.readdirSync(uploads)).toEqual([]);
    await second.kill();
  });
});
