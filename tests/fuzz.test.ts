import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { conversation, startServer, type TestUser } from './support/app.ts';

/**
 * Every route that takes a body, fed random and malformed bodies: the server never answers 5xx,
 * and every refusal is a 4xx in the API's error shape with a message that says what is wrong.
 */

const server = await startServer();
let admin: TestUser;
let fill: Record<string, string>;

type Operation = { method: string; path: string; properties: string[] };
let operations: Operation[] = [];

beforeAll(async () => {
  admin = await server.user('admin');
  const victim = await server.user('trainer');
  const slug = server.project({ overlap: 5, allowTies: true });
  expect((await server.importLines(slug, [conversation('fuzz-1', 3), conversation('fuzz-2', 4)])).status).toBe(200);
  const next = await admin.api('GET', `/projects/${slug}/next`);
  const { comparison } = (await next.json()) as { comparison: { id: string } };
  const spare = (await (await admin.api('POST', '/tokens', { name: 'spare' })).json()) as { apiToken: { id: string } };
  // Path parameters point at real things, so that requests get past routing to the body.
  fill = { slug, id: comparison.id, username: victim.username };
  const spareTokenId = spare.apiToken.id;
  const document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>>;
  };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path: path
          .replace('/api/v1', '')
          .replace(/\{(\w+)\}/g, (_, name: string) => (path.startsWith('/api/v1/tokens') && name === 'id' ? spareTokenId : fill[name]!)),
        properties: Object.keys(Object.values(op.requestBody?.content ?? {})[0]?.schema?.properties ?? {}),
      })),
  );
});

const body = (properties: string[]) =>
  fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    // The right keys with values of any shape: reaches the deeper checks.
    fc.record(Object.fromEntries(properties.map((p) => [p, fc.jsonValue()])), { requiredKeys: [] }).map((v) => JSON.stringify(v)),
    fc.string().map((s) => `{"${s}`),
    fc.constantFrom(
      '',
      'null',
      '[]',
      '{',
      '{"ranking": [[]]}',
      '{"messages": [{"role": "user"}]}',
      '\u0000',
      '{"__proto__": {"x": 1}}',
      '{"constructor": {"prototype": 1}}',
    ),
  );

describe('random request bodies', () => {
  it('never make the server fail, and every refusal names its problem', async () => {
    expect(operations.length).toBeGreaterThan(15);
    for (const op of operations) {
      // Logging out or revoking our own token would only make later requests 401: still 4xx, still fine.
      await fc.assert(
        fc.asyncProperty(body(op.properties), async (raw) => {
          const res = await fetch(`${server.url}/api/v1${op.path}`, {
            method: op.method,
            headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
            body: op.method === 'DELETE' && raw === '' ? undefined : raw,
          });
          const text = await res.text();
          expect(res.status, `${op.method} ${op.path} ${raw} → ${text}`).toBeLessThan(500);
          if (res.status >= 400) {
            const json = JSON.parse(text) as { error: { code: string; message: string } };
            expect(json.error.code, text).toMatch(/\w/);
            expect(json.error.message.length, text).toBeGreaterThan(5);
          }
        }),
        { numRuns: 30 },
      );
    }
  }, 120_000);
});
