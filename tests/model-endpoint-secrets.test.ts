process.env.ORDINAL_MODEL_RETRIES = '0';
process.env.ORDINAL_MODEL_TIMEOUT_MS = '3000';

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startServer, type TestServer, type TestUser } from './support/app.ts';
import { runCli } from './support/child-server.ts';
import { startFakeModel } from './support/fake-model.ts';

/**
 * A project's model API key is write-only (issue 14, items 6 and 7): no researcher may read it,
 * not by pointing the project at a server of their own, nor through what a server answers; and
 * credentials written into a base URL are never shown once saved.
 */

const KEY = 'sk-stored-very-secret-91b7';

type ProjectView = { project: { modelEndpoint: { baseUrl: string; model: string; apiKeySet: boolean } | null } };
const endpointOf = async (user: TestUser, slug: string) => ((await (await user.api('GET', `/projects/${slug}`)).json()) as ProjectView).project.modelEndpoint;

async function withKey(server: TestServer, baseUrl: string) {
  const slug = server.project({ overlap: 1, modelEndpoint: { baseUrl, model: 'fake-model', apiKey: KEY } });
  const researcher = await server.user('researcher');
  expect((await endpointOf(researcher, slug))?.apiKeySet).toBe(true);
  return { slug, researcher };
}

const suggest = (user: TestUser, slug: string) =>
  user.api('POST', `/projects/${slug}/suggestions`, { messages: [{ role: 'user', content: 'Hello?' }], role: 'assistant' }).then((r) => r.text());

describe('the stored API key', () => {
  it('is cleared when a researcher points the project at another server without giving a key, and never reaches that server', async () => {
    const [server, legit, attacker] = await Promise.all([startServer(), startFakeModel(), startFakeModel()]);
    const { slug, researcher } = await withKey(server, legit.url);
    const patched = await researcher.api('PATCH', `/projects/${slug}`, { modelEndpoint: { baseUrl: attacker.url, model: 'fake-model' } });
    expect(patched.status).toBe(200);
    expect(await endpointOf(researcher, slug)).toEqual({ baseUrl: attacker.url, model: 'fake-model', apiKeySet: false });
    await suggest(researcher, slug);
    expect(attacker.requests.length).toBeGreaterThan(0);
    for (const r of attacker.requests) expect(JSON.stringify(r.headers)).not.toContain(KEY);
    expect(server.db.sqlite.prepare<[string], { key: string | null }>('SELECT model_api_key AS key FROM projects WHERE slug = ?').get(slug)!.key).toBeNull();
  });

  it('stays while the base URL stays (a new model name, or the same URL sent back), and goes with a new key given for a new URL', async () => {
    const [server, legit, other] = await Promise.all([startServer(), startFakeModel(), startFakeModel()]);
    const { slug, researcher } = await withKey(server, legit.url);
    expect((await researcher.api('PATCH', `/projects/${slug}`, { modelEndpoint: { baseUrl: legit.url, model: 'another-model' } })).status).toBe(200);
    expect((await endpointOf(researcher, slug))?.apiKeySet).toBe(true);
    expect(
      (await researcher.api('PATCH', `/projects/${slug}`, { modelEndpoint: { baseUrl: other.url, model: 'fake-model', apiKey: 'sk-new-key-for-other' } }))
        .status,
    ).toBe(200);
    await suggest(researcher, slug);
    expect(other.requests.at(-1)!.headers.authorization).toBe('Bearer sk-new-key-for-other');
  });

  it('is never relayed back when a server quotes it in its error', async () => {
    const [server, hostile] = await Promise.all([startServer(), startFakeModel({ mode: 'echo-auth' })]);
    const { slug, researcher } = await withKey(server, hostile.url);
    const text = await suggest(researcher, slug);
    expect(text).toContain('answered HTTP 401: Incorrect API key provided: ***. Check the API key.');
    expect(text).not.toContain(KEY);
    const cli = await runCli(['--db', server.db.file, 'projects', 'test-model', slug]);
    expect(cli.stdout + cli.stderr).not.toContain(KEY);
  });
});

describe('credentials in a base URL', () => {
  it('are shown to nobody once saved, in the settings, in errors and in the audit log; sending the masked URL back keeps them', async () => {
    const server = await startServer();
    const url = 'http://internal-user:internal-pass@127.0.0.1:9/v1';
    const slug = server.project({ overlap: 1, modelEndpoint: { baseUrl: url, model: 'fake-model' } });
    const [researcher, trainer] = await Promise.all([server.user('researcher'), server.user('trainer')]);
    const shown = await endpointOf(researcher, slug);
    expect(shown?.baseUrl).toBe('http://***@127.0.0.1:9/v1');

    // The settings form sends back what it was shown: the stored URL stays.
    expect((await researcher.api('PATCH', `/projects/${slug}`, { modelEndpoint: { baseUrl: shown!.baseUrl, model: 'renamed' } })).status).toBe(200);
    expect(server.db.sqlite.prepare<[string], { url: string }>('SELECT model_base_url AS url FROM projects WHERE slug = ?').get(slug)!.url).toBe(url);

    for (const user of [researcher, trainer]) {
      const text = await suggest(user, slug);
      expect(text).toContain('event: error');
      for (const secret of ['internal-user', 'internal-pass']) expect(text).not.toContain(secret);
    }
    const audit = server.db.sqlite
      .prepare<[], { details: string | null }>("SELECT details FROM audit_log WHERE action IN ('project.create', 'project.update')")
      .all();
    expect(audit.length).toBeGreaterThan(0);
    for (const row of audit) expect(row.details ?? '').not.toContain('internal-pass');
  });

  it('relays only a JSON error message, cut short: a base URL aimed at another service does not let its pages be read', async () => {
    const page = `<html><body>Internal admin console. Session secret: admin-console-secret-4411. ${'filler '.repeat(200)}</body></html>`;
    const other = http.createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end(page));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const wordy = http.createServer((_req, res) =>
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: `Bad request: ${'x'.repeat(5000)}`, type: 'invalid_request_error' } })),
    );
    await new Promise<void>((resolve) => wordy.listen(0, '127.0.0.1', resolve));
    try {
      const server = await startServer();
      const researcher = await server.user('researcher');
      const port = (s: http.Server) => (s.address() as AddressInfo).port;
      const htmlSlug = server.project({ modelEndpoint: { baseUrl: `http://127.0.0.1:${port(other)}/v1`, model: 'fake-model' } });
      const text = await suggest(researcher, htmlSlug);
      expect(text).toContain('answered HTTP 404: its answer was not an API error (no JSON error message).');
      expect(text).not.toContain('admin-console-secret-4411');
      const wordySlug = server.project({ modelEndpoint: { baseUrl: `http://127.0.0.1:${port(wordy)}/v1`, model: 'fake-model' } });
      const message = /"message":"([^"]*)"/.exec(await suggest(researcher, wordySlug))![1]!;
      expect(message).toContain(`answered HTTP 400: Bad request: ${'x'.repeat(100)}`);
      expect(message.length).toBeLessThan(500);
    } finally {
      other.close();
      wordy.close();
    }
  });
});
