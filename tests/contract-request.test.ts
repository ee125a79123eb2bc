import { describe, expect, it } from 'vitest';
import { authApi } from '#shared/contract/auth.ts';
import { chatsApi } from '#shared/contract/chats.ts';
import { comparisonsApi } from '#shared/contract/comparisons.ts';
import { demonstrationsApi } from '#shared/contract/demonstrations.ts';
import { exportsApi } from '#shared/contract/exports.ts';
import { historyApi } from '#shared/contract/history.ts';
import { importsApi } from '#shared/contract/imports.ts';
import { modelsApi } from '#shared/contract/models.ts';
import { projectsApi } from '#shared/contract/projects.ts';
import { queueApi } from '#shared/contract/queue.ts';
import { ApiError } from '#shared/api-error.ts';
import { request, routeUrl } from '#shared/contract/request.ts';
import type { ApiRoute } from '#shared/contract/route.ts';
import { statsApi } from '#shared/contract/stats.ts';
import { usersApi } from '#shared/contract/users.ts';
import { conversation, startServer } from './support/app.ts';

const contract = [
  authApi,
  usersApi,
  projectsApi,
  importsApi,
  comparisonsApi,
  exportsApi,
  modelsApi,
  demonstrationsApi,
  chatsApi,
  statsApi,
  historyApi,
  queueApi,
];
const declared: ApiRoute[] = contract.flatMap((api) => Object.values(api));

const server = await startServer();

describe('the shared contract', () => {
  it('every route it declares is one the server documents, and the server documents no other', async () => {
    const document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const ours = declared.map((r) => `${r.method.toUpperCase()} /api/v1${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(ours.sort()).toEqual(documented.sort());
  });

  it('builds a route’s URL from its path parameters and query, percent-encoded', () => {
    expect(routeUrl(exportsApi.download, { slug: 'my-project' }, { format: 'trl', split: undefined })).toBe('/api/v1/projects/my-project/export?format=trl');
    expect(routeUrl(chatsApi.get, { slug: 'a b', id: '7' })).toBe('/api/v1/projects/a%20b/chats/7');
    expect(() => routeUrl(chatsApi.get, { slug: 'p' })).toThrow(/path parameter id is missing/);
  });
});

describe('a typed call through the contract', () => {
  it('gets the route’s response from the real server', async () => {
    const researcher = await server.user('researcher');
    const options = { baseUrl: server.url, headers: { authorization: `Bearer ${researcher.token}` } };
    const { project } = await request(projectsApi.create, { body: { slug: 'typed-call', name: 'Typed call' } }, options);
    expect(project.slug).toBe('typed-call');
    const imported = await request(importsApi.importNow, { params: { slug: 'typed-call' }, body: JSON.stringify(conversation('c-1')) }, options);
    expect(imported).toMatchObject({ imported: true, comparisons: 1 });
    const { projects } = await request(projectsApi.list, {}, options);
    expect(projects.map((p) => p.slug)).toContain('typed-call');
  });

  it('answers undefined for a 204, and throws the server’s error code for a refusal', async () => {
    const trainer = await server.user('trainer');
    const options = { baseUrl: server.url, headers: { authorization: `Bearer ${trainer.token}` } };
    const slug = server.project();
    expect(await request(comparisonsApi.next, { params: { slug } }, options)).toBeUndefined();
    const refusal = await request(projectsApi.create, { body: { slug: 'not-mine', name: 'Not mine' } }, options).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ status: 403, code: 'auth.forbidden' });
    const anonymous = await request(authApi.session, {}, { baseUrl: server.url }).catch((error: unknown) => error);
    expect(anonymous).toMatchObject({ status: 401, code: 'auth.required' });
  });
});
