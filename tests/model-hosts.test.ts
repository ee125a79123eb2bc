process.env.ORDINAL_MODEL_RETRIES = '0';

import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestUser } from './support/app.ts';
import { startFakeModel } from './support/fake-model.ts';

/**
 * ORDINAL_MODEL_HOSTS (issue 14, item 14): on a shared deployment the operator bounds where a
 * researcher may point the server's model requests (server-side request forgery). The policy is
 * read at each use, so each test sets it; unset, any address is allowed.
 */

const server = await startServer();
const model = await startFakeModel();
const port = new URL(model.url).port;
const researcher = await server.user('researcher');

afterEach(() => {
  delete process.env.ORDINAL_MODEL_HOSTS;
});

const pointAt = (user: TestUser, slug: string, baseUrl: string) => user.api('PATCH', `/projects/${slug}`, { modelEndpoint: { baseUrl, model: 'fake-model' } });
const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;
const suggest = (user: TestUser, slug: string) =>
  user.api('POST', `/projects/${slug}/suggestions`, { messages: [{ role: 'user', content: 'Hello?' }], role: 'assistant' });

describe('ORDINAL_MODEL_HOSTS', () => {
  it('refuses to save a base URL whose address is outside the list, naming the field', async () => {
    process.env.ORDINAL_MODEL_HOSTS = 'models.internal, 10.0.0.0/8';
    const slug = server.project();
    const refused = await pointAt(researcher, slug, 'http://169.254.169.254/latest/v1');
    expect(refused.status).toBe(403);
    expect(await errorOf(refused)).toEqual({
      code: 'model.host_not_allowed',
      message:
        'modelEndpoint.baseUrl: 169.254.169.254 is not among the addresses this server may send model requests to (ORDINAL_MODEL_HOSTS); ask its operator.',
      details: {
        issues: [
          {
            path: 'modelEndpoint.baseUrl',
            message: '169.254.169.254 is not among the addresses this server may send model requests to (ORDINAL_MODEL_HOSTS); ask its operator',
          },
        ],
      },
    });
    expect((await pointAt(researcher, slug, 'http://10.20.30.40:8000/v1')).status).toBe(200);
    expect((await pointAt(researcher, slug, 'http://models.internal:8000/v1')).status).toBe(200);
  });

  it('refuses a host name that is not listed when the list has no address ranges', async () => {
    process.env.ORDINAL_MODEL_HOSTS = 'models.internal,*.gpu.example';
    const slug = server.project();
    const refused = await pointAt(researcher, slug, 'http://metadata.google.internal/v1');
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).message).toContain('metadata.google.internal is not among the hosts');
    expect((await pointAt(researcher, slug, 'http://a100.gpu.example/v1')).status).toBe(200);
    expect((await pointAt(researcher, slug, 'http://gpu.example.evil.test/v1')).status).toBe(403);
  });

  it('lets a listed host and a listed address reach the model', async () => {
    process.env.ORDINAL_MODEL_HOSTS = `localhost,127.0.0.1`;
    const slug = server.project();
    for (const baseUrl of [`http://localhost:${port}/v1`, `http://127.0.0.1:${port}/v1`]) {
      expect((await pointAt(researcher, slug, baseUrl)).status).toBe(200);
      const answer = await (await suggest(researcher, slug)).text();
      expect(answer).toContain('event: done');
    }
  });

  it('checks where an unlisted name resolves on every connection, and refuses it before a request is sent', async () => {
    process.env.ORDINAL_MODEL_HOSTS = '10.0.0.0/8';
    const slug = server.project();
    // Saved: an unlisted name may resolve into a listed range, which only a lookup can tell.
    expect((await pointAt(researcher, slug, `http://localhost:${port}/v1`)).status).toBe(200);
    const before = model.requests.length;
    const answer = await (await suggest(researcher, slug)).text();
    expect(answer).toContain('"code":"model.host_not_allowed"');
    expect(answer).toMatch(
      /localhost resolves to (127\.0\.0\.1|::1), outside the addresses this server may send model requests to \(ORDINAL_MODEL_HOSTS\); ask this server's operator\./,
    );
    expect(model.requests.length).toBe(before);
  });

  it('refuses to use a base URL saved before the list was set, and tells a trainer only that the model is unreachable', async () => {
    const slug = server.project({ overlap: 1, modelEndpoint: { baseUrl: `http://127.0.0.1:${port}/v1`, model: 'fake-model' } });
    process.env.ORDINAL_MODEL_HOSTS = 'models.internal';
    const refused = await suggest(researcher, slug);
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).message).toBe(
      "The project's model base URL is no longer allowed: 127.0.0.1 is not among the addresses this server may send model requests to (ORDINAL_MODEL_HOSTS); ask its operator.",
    );
    const trainer = await server.user('trainer');
    const toTrainer = await suggest(trainer, slug);
    expect(toTrainer.status).toBe(403);
    expect(JSON.stringify(await toTrainer.json())).not.toContain('127.0.0.1');
  });
});
