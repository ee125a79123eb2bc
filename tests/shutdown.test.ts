import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startServer } from './support/app.ts';
import { bearer, cli, logIn, startChildServer, tempDir, type ChildServer } from './support/child-server.ts';
import { startFakeModel } from './support/fake-model.ts';

/**
 * Stopping the server (issue 14, item 3): SIGTERM ends open model streams with a final event and
 * exits within a bound, keeping every acknowledged change; and one user cannot hold every model
 * slot (item 13).
 */

const ADMIN_PASSWORD = 'admin-password-for-shutdown';
const SLUG = 'stopping';

async function serverWithModel(modelUrl: string, graceMs: number) {
  const dir = tempDir();
  const db = path.join(dir, 'ordinal.db');
  await cli(db, ['projects', 'create', SLUG, '--model-base-url', modelUrl, '--model', 'fake-model']);
  const line = JSON.stringify({
    id: 'one',
    messages: [{ role: 'user', content: 'Which?' }],
    completions: [{ content: 'First answer.' }, { content: 'Second answer.' }],
  });
  fs.writeFileSync(path.join(dir, 'one.jsonl'), `${line}\n`);
  await cli(db, ['import', path.join(dir, 'one.jsonl'), '--project', SLUG]);
  const server = await startChildServer({
    db,
    env: { ORDINAL_ADMIN_PASSWORD: ADMIN_PASSWORD, ORDINAL_SHUTDOWN_TIMEOUT_MS: String(graceMs), ORDINAL_MODEL_RETRIES: '0' },
  });
  const session = await logIn(server.url, 'admin', ADMIN_PASSWORD);
  const created = await fetch(`${server.url}/api/v1/tokens`, {
    method: 'POST',
    headers: { cookie: session.cookie!, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'shutdown' }),
  });
  return { db, server, api: bearer(server.url, ((await created.json()) as { token: string }).token) };
}

const suggestion = (api: ReturnType<typeof bearer>) =>
  api('POST', `/projects/${SLUG}/suggestions`, { messages: [{ role: 'user', content: 'Hello?' }], role: 'assistant' });

/** Whether the process exits within `ms`; kills it otherwise, so a failing test leaves nothing running. */
async function exitsWithin(server: ChildServer, ms: number) {
  const exited = await Promise.race([server.exited.then(() => true), sleep(ms).then(() => false)]);
  if (!exited) await server.kill('SIGKILL');
  return exited;
}

describe('SIGTERM', () => {
  it('ends open model streams with a final server.stopping event, keeps the ranking acknowledged just before, and exits cleanly', async () => {
    const model = await startFakeModel({ mode: 'hang' });
    // A grace period far longer than the bound below: the streams must not be waited for.
    const { db, server, api } = await serverWithModel(model.url, 60_000);
    const next = (await (await api('GET', `/projects/${SLUG}/next?kind=comparison`)).json()) as { comparison: { id: string; candidates: { id: string }[] } };
    const ranked = await api('PUT', `/comparisons/${next.comparison.id}/ranking`, { ranking: next.comparison.candidates.map((c) => [c.id]) });
    expect(ranked.status).toBe(200);

    const streams = await Promise.all([suggestion(api), suggestion(api)]);
    for (const stream of streams) expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await expect.poll(() => model.requests.length).toBe(2);

    server.process.kill('SIGTERM');
    const bodies = await Promise.all(streams.map((s) => s.text()));
    for (const body of bodies) {
      expect(body).toMatch(/^event: error\ndata: /m);
      expect(body).toContain('"code":"server.stopping"');
    }
    expect(await exitsWithin(server, 15_000)).toBe(true);
    expect(server.process.exitCode).toBe(0);
    // Closed cleanly: the WAL was checkpointed into the file and removed.
    expect(fs.existsSync(`${db}-wal`)).toBe(false);
    const exported = await cli(db, ['export', '--project', SLUG, '--format', 'rankings']);
    expect(exported.trim().split('\n')).toHaveLength(1);
  });

  it('closes a request still waiting on the model once the grace period is over', async () => {
    const model = await startFakeModel({ mode: 'hang' });
    const { server, api } = await serverWithModel(model.url, 1500);
    const waiting = api('POST', `/projects/${SLUG}/model/test`).then(
      (r) => r.status,
      () => 'connection closed',
    );
    // The test asks for the model list and a one-token completion at once: both hang.
    await expect.poll(() => model.requests.length).toBeGreaterThan(0);
    server.process.kill('SIGTERM');
    expect(await exitsWithin(server, 15_000)).toBe(true);
    expect(await waiting).toBe('connection closed');
    expect(server.process.exitCode).toBe(0);
  });
});

describe('model streams per user', () => {
  it('caps one user at ORDINAL_MODEL_STREAMS_PER_USER open streams, leaves others their turn, and frees a slot when a stream ends', async () => {
    const [server, model] = await Promise.all([startServer(), startFakeModel({ mode: 'hang' })]);
    const slug = server.project({ overlap: 1, modelEndpoint: { baseUrl: model.url, model: 'fake-model' } });
    const [greedy, other] = await Promise.all([server.user('trainer'), server.user('trainer')]);
    const ask = (user: typeof greedy, signal?: AbortSignal) =>
      fetch(`${server.url}/api/v1/projects/${slug}/suggestions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'Hello?' }], role: 'assistant' }),
        signal,
      });
    const controllers = [0, 1, 2].map(() => new AbortController());
    const open = await Promise.all(controllers.map((c) => ask(greedy, c.signal)));
    for (const stream of open) expect(stream.status).toBe(200);

    const refused = await ask(greedy);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toEqual({
      code: 'model.too_many_streams',
      message: 'You already have 3 model answers being written; wait for one to finish, then ask again.',
    });
    const theirs = await ask(other);
    expect(theirs.status).toBe(200);
    theirs.body?.cancel();

    controllers[0]!.abort();
    await expect
      .poll(async () => {
        const again = await ask(greedy);
        const status = again.status;
        await again.body?.cancel();
        return status;
      })
      .toBe(200);
    for (const c of controllers) c.abort();
  });
});
