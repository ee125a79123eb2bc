import { describe, expect, it } from 'vitest';
import { conversation, startServer, type TestUser } from './support/app.ts';

/**
 * What no request may give away or change by the side door: a login from another origin at another
 * spelling of its path, a lease taken by HEAD, and which comparisons and archived projects exist.
 */

const server = await startServer();

const noSuchComparison = '987654321';

/** Status, code and message, with the id asked for written `:id`, so two ids' answers compare. */
async function answerOf(res: Response, id: string) {
  const { error } = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, code: error.code, message: error.message.replaceAll(id, ':id') };
}

async function nextFor(user: TestUser, slug: string) {
  const res = await user.api('GET', `/projects/${slug}/next`);
  expect(res.status).toBe(200);
  const { comparison } = (await res.json()) as { comparison: { id: string; candidates: { id: string }[] } };
  return { id: comparison.id, ranking: comparison.candidates.map((c) => [c.id]) };
}

describe('logging in from another origin', () => {
  it('is refused at every spelling of the path the router sends to the login, and sets no cookie', async () => {
    const trainer = await server.user('trainer');
    const loginAt = (path: string, origin: string) =>
      fetch(`${server.url}/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ username: trainer.username, password: trainer.password }),
      });
    for (const path of ['/session', '/session/', '/Session', '/SESSION/']) {
      const foreign = await loginAt(path, 'https://evil.example');
      expect(foreign.headers.getSetCookie(), path).toEqual([]);
      expect(await answerOf(foreign, path), path).toEqual({
        status: 403,
        code: 'auth.cross_origin',
        message: 'Requests from https://evil.example are not allowed.',
      });
      // The same spelling from the server's own page logs in: the path is the login's, only the origin is wrong.
      expect((await loginAt(path, server.url)).status, path).toBe(200);
    }
  });
});

describe('HEAD', () => {
  it('takes no lease on next: 405 with Allow: GET, and the comparison still goes to the next trainer', async () => {
    const slug = server.project({ overlap: 1 });
    expect((await server.importLines(slug, [conversation('only-one', 2)])).status).toBe(200);
    const peeker = await server.user('trainer');
    const head = await peeker.api('HEAD', `/projects/${slug}/next`);
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('GET');
    expect(server.db.sqlite.prepare('SELECT count(*) AS n FROM assignments WHERE user_id = ?').get(peeker.id)).toEqual({ n: 0 });

    const worker = await server.user('trainer');
    expect((await worker.api('GET', `/projects/${slug}/next`)).status).toBe(200);
  });

  it('runs no export, and writes no audit entry, for HEAD on an export', async () => {
    const slug = server.project();
    const researcher = await server.user('researcher');
    const audited = () => server.db.sqlite.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'export'").get();
    const before = audited();
    const head = await researcher.api('HEAD', `/projects/${slug}/export?format=rankings`);
    expect(head.status).toBe(405);
    expect(audited()).toEqual(before);
  });
});

describe('a trainer cannot tell which comparisons exist', () => {
  it('a comparison they were never given answers as one that does not exist, on every comparison route', async () => {
    const slug = server.project({ overlap: 2 });
    expect((await server.importLines(slug, [conversation('someone-elses', 3)])).status).toBe(200);
    const holder = await server.user('trainer');
    const { id, ranking } = await nextFor(holder, slug);
    const stranger = await server.user('trainer');

    const routes: [method: string, path: (id: string) => string, body?: unknown][] = [
      ['GET', (c) => `/comparisons/${c}`],
      ['PUT', (c) => `/comparisons/${c}/ranking`, { ranking }],
      ['POST', (c) => `/comparisons/${c}/skip`, { reason: 'curious' }],
    ];
    for (const [method, path, body] of routes) {
      const missing = await answerOf(await stranger.api(method, path(noSuchComparison), body), noSuchComparison);
      expect(missing.status, `${method} ${path(':id')}`).toBe(404);
      expect(await answerOf(await stranger.api(method, path(id), body), id), `${method} ${path(':id')}`).toEqual(missing);
    }

    // Who knows the comparison still hears why it is refused: the trainer whose lease ran out while
    // another took the slot, and a researcher, who may see every comparison anyway.
    server.db.sqlite.prepare('UPDATE assignments SET expires_at = ? WHERE user_id = ?').run(Date.now() - 1, holder.id);
    const other = await server.user('trainer');
    const second = await server.user('trainer');
    expect((await nextFor(other, slug)).id).toBe(id);
    expect((await nextFor(second, slug)).id).toBe(id);
    const late = await holder.api('PUT', `/comparisons/${id}/ranking`, { ranking });
    expect((await answerOf(late, id)).code).toBe('lease.expired');
    const researcher = await server.user('researcher');
    const notGiven = await researcher.api('PUT', `/comparisons/${id}/ranking`, { ranking });
    expect(await answerOf(notGiven, id)).toMatchObject({ status: 409, code: 'comparison.not_assigned' });
  });
});

describe('a trainer cannot learn an archived project', () => {
  it('from a comparison of it: the answer is that of a comparison that does not exist, with no slug', async () => {
    const slug = server.project({ slug: 'hidden-archived-project' });
    expect((await server.importLines(slug, [conversation('archived-work', 2)])).status).toBe(200);
    const comparisonId = String(
      server.db.sqlite.prepare<[string], { id: number }>('SELECT c.id FROM comparisons c JOIN projects p ON p.id = c.project_id WHERE p.slug = ?').get(slug)!
        .id,
    );
    const researcher = await server.user('researcher');
    expect((await researcher.api('PATCH', `/projects/${slug}`, { archived: true })).status).toBe(200);
    const trainer = await server.user('trainer');

    for (const [method, path, body] of [
      ['PUT', (c: string) => `/comparisons/${c}/ranking`, { ranking: [['1'], ['2']] }],
      ['GET', (c: string) => `/comparisons/${c}`],
      ['POST', (c: string) => `/comparisons/${c}/skip`, { reason: 'curious' }],
    ] as const) {
      const res = await trainer.api(method, path(comparisonId), body);
      const text = await res.clone().text();
      expect(text, `${method} ${path(':id')}`).not.toContain(slug);
      const missing = await answerOf(await trainer.api(method, path(noSuchComparison), body), noSuchComparison);
      expect(await answerOf(res, comparisonId), `${method} ${path(':id')}`).toEqual(missing);
    }
    // The project itself answers as one that does not exist.
    const asked = await answerOf(await trainer.api('GET', `/projects/${slug}`), slug);
    expect(await answerOf(await trainer.api('GET', '/projects/no-such-project'), 'no-such-project')).toEqual(asked);
  });
});
