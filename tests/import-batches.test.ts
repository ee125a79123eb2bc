import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '#server/db/client.ts';
import { createApiToken } from '#server/modules/auth/auth.usecases.ts';
import { createUser } from '#server/modules/users/users.usecases.ts';
import { conversation, startServer } from './support/app.ts';
import { cli, startChildServer, tempDir, type ChildServer } from './support/child-server.ts';

/**
 * An import writes in short batches that release the write lock between them, under a hidden
 * staging project, and one last transaction makes it visible (issue 15): readers see all of it or
 * none, an import killed between batches leaves nothing visible, and the next start removes what it
 * staged. Over HTTP it is a job whose progress is polled.
 */

const jsonl = (ids: string[]) => ids.map((id) => JSON.stringify(conversation(id))).join('\n');
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** A database with an empty project `incoming` and a researcher's token, served by a child process. */
async function childServerWithProject() {
  const dir = tempDir();
  const file = path.join(dir, 'ordinal.db');
  await cli(file, ['projects', 'create', 'incoming']);
  const db = openDatabase(file);
  const user = await createUser(db, { username: 'rita', role: 'researcher', password: 'rita-password' }, null);
  const { token } = createApiToken(db, Number(user.id), 'test', null);
  db.sqlite.close();
  return { file, token, server: await startChildServer({ db: file }) };
}

const api = (server: { url: string }, token: string) => async (method: string, pathname: string, body?: string) => {
  const response = await fetch(`${server.url}/api/v1${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { state?: string; id?: string } };
};

/** What the staging projects of unfinished imports hold, read straight from the file. */
function staged(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare<[], { projects: number; conversations: number }>(
        `SELECT count(DISTINCT p.id) AS projects, count(c.id) AS conversations FROM projects p LEFT JOIN conversations c ON c.project_id = p.id WHERE p.slug LIKE '~import-%'`,
      )
      .get()!;
  } finally {
    db.close();
  }
}

async function until<T>(what: string, probe: () => T | Promise<T>, done: (value: T) => boolean, seconds = 60): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Waited ${seconds} s for ${what}; last saw ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The project's comparisons as its page shows them (progress, kept in project_counts). */
const comparisonsIn = async (call: ReturnType<typeof api>, slug: string) =>
  ((await call('GET', `/projects/${slug}`)).body.project as { progress: { comparisons: number } }).progress.comparisons;

/** Everything a researcher can see of the project's data. */
async function visible(call: ReturnType<typeof api>) {
  const list = await call('GET', '/projects/incoming/comparisons');
  const count = await call('GET', '/projects/incoming/export/count?format=rankings');
  const projects = await call('GET', '/projects');
  return {
    comparisons: await comparisonsIn(call, 'incoming'),
    listed: (list.body.comparisons as unknown[]).length,
    exportable: count.body,
    projects: (projects.body.projects as { slug: string }[]).map((p) => p.slug),
  };
}

describe('an import killed between two of its batches', () => {
  it('leaves nothing visible, and the next start removes what it staged', async () => {
    const { file, token, server } = await childServerWithProject();
    const call = api(server, token);
    const started = await call('POST', '/projects/incoming/imports', jsonl(ids('k', 60_000)));
    expect(started.status).toBe(202);
    // Some batches are committed under the staging project, and the import goes on: kill it there.
    await until(
      'staged rows',
      () => staged(file),
      (s) => s.conversations > 0,
    );
    await server.kill('SIGKILL');
    expect(staged(file).projects).toBe(1);

    const restarted: ChildServer = await startChildServer({ db: file });
    const again = api(restarted, token);
    const seen = await visible(again);
    expect(seen).toMatchObject({ comparisons: 0, listed: 0, exportable: { rows: 0 }, projects: ['incoming'] });
    await until(
      'the sweep of the staged rows',
      () => staged(file),
      (s) => s.projects === 0,
    );
    expect(staged(file)).toEqual({ projects: 0, conversations: 0 });
    const db = new Database(file, { readonly: true });
    expect(
      db.prepare('SELECT (SELECT count(*) FROM conversations) + (SELECT count(*) FROM messages) + (SELECT count(*) FROM comparisons) AS rows').pluck().get(),
    ).toBe(0);
    db.close();
    await restarted.kill();
  });
});

describe('an import over HTTP is a job', () => {
  it('answers 202, is polled to done, and its result is what the synchronous route answers for the same file', async () => {
    const server = await startServer();
    const researcher = await server.user('researcher');
    const [viaJob, viaRoute] = [server.project(), server.project()];
    const body = jsonl(ids('j', 30)) + '\n' + JSON.stringify({ id: 'prompt', messages: [{ role: 'user', content: 'Only a prompt.' }] });
    const call = api(server, researcher.token);

    const started = await call('POST', `/projects/${viaJob}/imports`, body);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ project: viaJob, dryRun: false, result: null, error: null });
    const done = await until(
      'the job',
      () => call('GET', `/projects/${viaJob}/imports/${started.body.id}`),
      (r) => r.body.state === 'done',
    );
    const direct = await call('POST', `/projects/${viaRoute}/import`, body);
    expect(direct.status).toBe(200);
    expect(done.body.result).toEqual(direct.body);
    expect(direct.body).toMatchObject({ imported: true, conversations: 31, comparisons: 30, prompts: 1 });
    expect(done.body).toMatchObject({ bytesDone: Buffer.byteLength(body), bytesTotal: Buffer.byteLength(body) });

    // A job of another project is not this one's.
    expect((await call('GET', `/projects/${viaRoute}/imports/${started.body.id}`)).status).toBe(404);
  });

  it('a dry run reports what would be imported and writes nothing', async () => {
    const server = await startServer();
    const researcher = await server.user('researcher');
    const slug = server.project();
    const call = api(server, researcher.token);
    const started = await call('POST', `/projects/${slug}/imports?dryRun=true`, jsonl(ids('d', 5)));
    expect(started.body).toMatchObject({ dryRun: true });
    const done = await until(
      'the job',
      () => call('GET', `/projects/${slug}/imports/${started.body.id}`),
      (r) => r.body.state === 'done',
    );
    expect(done.body.result).toMatchObject({ dryRun: true, imported: false, conversations: 5, comparisons: 5 });
    expect(await comparisonsIn(call, slug)).toBe(0);
  });

  it('a file with bad lines ends done with every bad line and its number, and nothing imported; an archived project fails it', async () => {
    const server = await startServer();
    const researcher = await server.user('researcher');
    const slug = server.project();
    const call = api(server, researcher.token);
    const body = [JSON.stringify(conversation('good')), '{"id": "broken"', JSON.stringify(conversation('one', 1))].join('\n');
    const started = await call('POST', `/projects/${slug}/imports`, body);
    const done = await until(
      'the job',
      () => call('GET', `/projects/${slug}/imports/${started.body.id}`),
      (r) => r.body.state === 'done',
    );
    expect(done.body.result).toMatchObject({
      imported: false,
      conversations: 1,
      errors: [{ line: 2 }, { line: 3, message: expect.stringMatching(/has 1 completion/) }],
    });
    expect(await comparisonsIn(call, slug)).toBe(0);

    expect((await researcher.api('PATCH', `/projects/${slug}`, { archived: true })).status).toBe(200);
    const refused = await call('POST', `/projects/${slug}/imports`, JSON.stringify(conversation('late')));
    const failed = await until(
      'the job',
      () => call('GET', `/projects/${slug}/imports/${refused.body.id}`),
      (r) => r.body.state === 'failed',
    );
    expect(failed.body.error).toMatchObject({ status: 409, code: 'project.archived' });
  });
});

describe('while an import is written', () => {
  it('readers see none of it or all of it, and are answered while it runs', async () => {
    const { token, server } = await childServerWithProject();
    const call = api(server, token);
    const n = 30_000;
    const started = await call('POST', '/projects/incoming/imports', jsonl(ids('r', n)));
    const seen = new Set<number>();
    let answeredWhileImporting = 0;
    for (;;) {
      const job = await call('GET', `/projects/incoming/imports/${started.body.id}`);
      const comparisons = await comparisonsIn(call, 'incoming');
      // A first page of the list: empty, or full.
      const listed = ((await call('GET', '/projects/incoming/comparisons?limit=200')).body.comparisons as unknown[]).length;
      seen.add(comparisons);
      expect([0, 200]).toContain(listed);
      if (job.body.state === 'importing') answeredWhileImporting++;
      if (job.body.state === 'done') break;
      expect(job.body.state).not.toBe('failed');
    }
    expect(
      [...seen].every((count) => count === 0 || count === n),
      `counts seen: ${[...seen].join(', ')}`,
    ).toBe(true);
    expect(answeredWhileImporting).toBeGreaterThan(0);
    expect(await comparisonsIn(call, 'incoming')).toBe(n);
  });
});
