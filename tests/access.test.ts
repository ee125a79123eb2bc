import { beforeAll, describe, expect, it } from 'vitest';
import type { UserRole } from '#shared/users.ts';
import { createApiToken } from '#server/modules/auth/auth.usecases.ts';
import { conversation, startServer, type TestUser } from './support/app.ts';

/**
 * Who may call what: every API route, called as nobody, a trainer, a researcher and an admin.
 * Each route is called with real ids and a valid body, so a refusal is about the role alone.
 */

type Who = 'anonymous' | UserRole;
const everyone: readonly Who[] = ['anonymous', 'trainer', 'researcher', 'admin'];

/** What one caller needs to make a valid request: their own comparisons and tokens. */
interface Caller {
  who: Who;
  user: TestUser | null;
  username: string;
  password: string;
  /** A comparison they were handed, to read and rank. */
  rankId: string;
  candidates: string[];
  /** Another comparison they were handed, to give back. */
  skipId: string;
  /** One of their own API tokens, to revoke. */
  spareTokenId: string;
}

interface Case {
  /** Method and Express path, as in the OpenAPI document (`{slug}` written `:slug`). */
  route: string;
  path: (c: Caller) => string;
  body?: (c: Caller) => unknown;
  /** A raw request body (uploads) instead of JSON. */
  raw?: (c: Caller) => string;
  expected: Record<Who, number>;
  /** Not a route of the API proper, so not in the OpenAPI document. */
  undocumented?: true;
}

/** Anonymous callers get 401; the listed roles get `status`; every other role gets 403. */
const only = (roles: readonly UserRole[], status: number): Record<Who, number> => ({
  anonymous: 401,
  trainer: roles.includes('trainer') ? status : 403,
  researcher: roles.includes('researcher') ? status : 403,
  admin: roles.includes('admin') ? status : 403,
});
const anyUser = (status: number) => only(['trainer', 'researcher', 'admin'], status);
const researchers = (status: number) => only(['researcher', 'admin'], status);
const admins = (status: number) => only(['admin'], status);
const publicRoute = (status: number): Record<Who, number> => ({ anonymous: status, trainer: status, researcher: status, admin: status });

let fresh = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++fresh}`;

const server = await startServer();
let slug: string;
let skipSlug: string;
let importSlug: string;
let patchTarget: TestUser;
/** A token of another user's, for an admin to revoke. */
let adminRevokeTarget: string;
const callers = {} as Record<Who, Caller>;

const cases: Case[] = [
  { route: 'GET /openapi.json', path: () => '/openapi.json', expected: publicRoute(200), undocumented: true },
  // Logging in is public; the caller logs in as themselves (anonymous: as a user kept for it).
  { route: 'POST /session', path: () => '/session', body: (c) => ({ username: c.username, password: c.password }), expected: publicRoute(200) },
  { route: 'GET /session', path: () => '/session', expected: anyUser(200) },
  { route: 'DELETE /session', path: () => '/session', expected: anyUser(204) },
  {
    route: 'PUT /session/password',
    path: () => '/session/password',
    // The same password again, so the caller can still log in for the other routes.
    body: (c) => ({ currentPassword: c.password, newPassword: c.password }),
    expected: anyUser(204),
  },
  { route: 'GET /tokens', path: () => '/tokens', expected: anyUser(200) },
  { route: 'POST /tokens', path: () => '/tokens', body: () => ({ name: 'access test' }), expected: anyUser(201) },
  { route: 'DELETE /tokens/:id', path: (c) => `/tokens/${c.spareTokenId}`, expected: anyUser(204) },
  { route: 'GET /admin/tokens', path: () => '/admin/tokens', expected: admins(200) },
  { route: 'DELETE /admin/tokens/:id', path: () => `/admin/tokens/${adminRevokeTarget}`, expected: admins(204) },
  { route: 'GET /users', path: () => '/users', expected: admins(200) },
  {
    route: 'POST /users',
    path: () => '/users',
    body: () => ({ username: unique('new-user'), role: 'trainer', password: 'a long enough password' }),
    expected: admins(201),
  },
  { route: 'PATCH /users/:username', path: () => `/users/${patchTarget.username}`, body: () => ({ role: 'trainer' }), expected: admins(200) },
  { route: 'GET /projects', path: () => '/projects', expected: anyUser(200) },
  { route: 'POST /projects', path: () => '/projects', body: () => ({ slug: unique('created'), name: 'Created' }), expected: researchers(201) },
  { route: 'GET /projects/:slug', path: () => `/projects/${slug}`, expected: anyUser(200) },
  { route: 'PATCH /projects/:slug', path: () => `/projects/${slug}`, body: () => ({ guidelines: 'Prefer the honest answer.' }), expected: researchers(200) },
  {
    route: 'POST /projects/:slug/import',
    path: () => `/projects/${importSlug}/import`,
    raw: () => JSON.stringify(conversation(unique('imported'), 2)),
    expected: researchers(200),
  },
  {
    route: 'POST /projects/:slug/imports',
    path: () => `/projects/${importSlug}/imports?dryRun=true`,
    raw: () => JSON.stringify(conversation(unique('imported'), 2)),
    expected: researchers(202),
  },
  // A job nobody started: only who may ask is at stake here (tests/import-batches.test.ts follows real ones).
  { route: 'GET /projects/:slug/imports/:id', path: () => `/projects/${importSlug}/imports/00000000-0000-4000-8000-000000000000`, expected: researchers(404) },
  { route: 'GET /projects/:slug/next', path: () => `/projects/${slug}/next?kind=comparison`, expected: anyUser(200) },
  { route: 'GET /projects/:slug/comparisons', path: () => `/projects/${slug}/comparisons?status=all&limit=10`, expected: researchers(200) },
  { route: 'GET /comparisons/:id', path: (c) => `/comparisons/${c.rankId}`, expected: anyUser(200) },
  // Each role's own: the history of what they ranked, and what others' leases keep from them.
  { route: 'GET /comparisons/:id/mine', path: (c) => `/comparisons/${c.rankId}/mine`, expected: anyUser(200) },
  { route: 'GET /projects/:slug/rankings/mine', path: () => `/projects/${slug}/rankings/mine`, expected: anyUser(200) },
  { route: 'GET /projects/:slug/queue', path: () => `/projects/${slug}/queue`, expected: anyUser(200) },
  {
    route: 'PUT /comparisons/:id/ranking',
    path: (c) => `/comparisons/${c.rankId}/ranking`,
    body: (c) => ({ ranking: c.candidates.map((id) => [id]) }),
    expected: anyUser(200),
  },
  { route: 'POST /comparisons/:id/skip', path: (c) => `/comparisons/${c.skipId}/skip`, body: () => ({ reason: 'not my field' }), expected: anyUser(204) },
  { route: 'GET /projects/:slug/export', path: () => `/projects/${slug}/export?format=rankings`, expected: researchers(200) },
  { route: 'GET /projects/:slug/export/count', path: () => `/projects/${slug}/export/count?format=trl`, expected: researchers(200) },
  { route: 'GET /projects/:slug/export/cli', path: () => `/projects/${slug}/export/cli`, expected: researchers(200) },
  {
    route: 'POST /projects/:slug/demonstrations',
    path: () => `/projects/${slug}/demonstrations`,
    body: () => ({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
      ],
    }),
    expected: anyUser(201),
  },
  { route: 'GET /projects/:slug/prompts/next', path: () => `/projects/${slug}/prompts/next`, expected: anyUser(204) },
  // The project has no model: permitted roles are told so (409), which is about the data, not the role.
  {
    route: 'POST /projects/:slug/suggestions',
    path: () => `/projects/${slug}/suggestions`,
    body: () => ({ messages: [{ role: 'user', content: 'Hi' }], role: 'assistant' }),
    expected: anyUser(409),
  },
  { route: 'POST /projects/:slug/sample', path: () => `/projects/${slug}/sample`, body: () => ({}), expected: researchers(409) },
  { route: 'GET /projects/:slug/sample', path: () => `/projects/${slug}/sample`, expected: researchers(200) },
  // The access project has no model: researchers are told so (409), everyone else is refused first.
  { route: 'POST /projects/:slug/model/test', path: () => `/projects/${slug}/model/test`, expected: researchers(409) },
  { route: 'POST /projects/:slug/chats', path: () => `/projects/${slug}/chats`, body: () => ({}), expected: anyUser(409) },
  // No chat can exist without a model: permitted roles get 404 for an unknown chat.
  { route: 'GET /projects/:slug/chats/:id', path: () => `/projects/${slug}/chats/999999`, expected: anyUser(404) },
  {
    route: 'POST /projects/:slug/chats/:id/messages',
    path: () => `/projects/${slug}/chats/999999/messages`,
    body: () => ({ content: 'Hi' }),
    expected: anyUser(404),
  },
  { route: 'GET /projects/:slug/stats', path: () => `/projects/${slug}/stats`, expected: researchers(200) },
  { route: 'GET /projects/:slug/review', path: () => `/projects/${slug}/review`, expected: researchers(200) },
  { route: 'GET /projects/:slug/stats/me', path: () => `/projects/${slug}/stats/me`, expected: anyUser(200) },
  // The project has not opted in: trainers are told there is none; researchers may always look.
  {
    route: 'GET /projects/:slug/leaderboard',
    path: () => `/projects/${slug}/leaderboard`,
    expected: { anonymous: 401, trainer: 404, researcher: 200, admin: 200 },
  },
  {
    route: 'PUT /comparisons/:id/gold',
    path: (c) => `/comparisons/${c.rankId}/gold`,
    body: (c) => ({ ranking: c.candidates.map((id) => [id]) }),
    expected: researchers(204),
  },
  { route: 'DELETE /comparisons/:id/gold', path: (c) => `/comparisons/${c.rankId}/gold`, expected: researchers(204) },
  { route: 'POST /comparisons/:id/more-rankings', path: (c) => `/comparisons/${c.rankId}/more-rankings`, expected: researchers(204) },
  { route: 'POST /projects/:slug/chats/:id/regenerate', path: () => `/projects/${slug}/chats/999999/regenerate`, body: () => ({}), expected: anyUser(404) },
  { route: 'POST /projects/:slug/chats/:id/end', path: () => `/projects/${slug}/chats/999999/end`, body: () => ({}), expected: anyUser(404) },
];

function send(caller: Caller, c: Case): Promise<Response> {
  const [method] = c.route.split(' ');
  const headers: Record<string, string> = {};
  if (caller.user) headers.authorization = `Bearer ${caller.user.token}`;
  let body: string | undefined;
  if (c.raw) {
    headers['content-type'] = 'application/x-ndjson';
    body = c.raw(caller);
  } else if (c.body) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(c.body(caller));
  }
  return fetch(`${server.url}/api/v1${c.path(caller)}`, { method, headers, body });
}

async function nextComparison(user: TestUser, project: string) {
  const res = await user.api('GET', `/projects/${project}/next?kind=comparison`);
  expect(res.status).toBe(200);
  const { comparison } = (await res.json()) as { comparison: { id: string; candidates: { id: string }[] } };
  return { id: comparison.id, candidates: comparison.candidates.map((c) => c.id) };
}

beforeAll(async () => {
  // Overlap 3, so the trainer, the researcher and the admin can each be handed the same comparison.
  slug = server.project({ overlap: 3 });
  skipSlug = server.project({ overlap: 3 });
  importSlug = server.project();
  expect((await server.importLines(slug, [conversation('rank-me', 3)])).status).toBe(200);
  expect((await server.importLines(skipSlug, [conversation('skip-me', 2)])).status).toBe(200);
  patchTarget = await server.user('trainer');
  adminRevokeTarget = createApiToken(server.db, patchTarget.id, 'for an admin to revoke', null).apiToken.id;
  const loginUser = await server.user('trainer');

  for (const who of everyone) {
    if (who === 'anonymous') continue;
    const user = await server.user(who);
    const rank = await nextComparison(user, slug);
    const skip = await nextComparison(user, skipSlug);
    const token = await user.api('POST', '/tokens', { name: 'spare' });
    expect(token.status).toBe(201);
    const { apiToken } = (await token.json()) as { apiToken: { id: string } };
    callers[who] = {
      who,
      user,
      username: user.username,
      password: user.password,
      rankId: rank.id,
      candidates: rank.candidates,
      skipId: skip.id,
      spareTokenId: apiToken.id,
    };
  }
  // Nobody logged in: real ids and valid bodies all the same, so the 401 is about not being logged in.
  callers.anonymous = { ...callers.trainer, who: 'anonymous', user: null, username: loginUser.username, password: loginUser.password };
});

describe('who may call each route', () => {
  it.each(cases.map((c) => [`${c.route}: ${everyone.map((w) => `${w} ${c.expected[w]}`).join(', ')}`, c] as const))('%s', async (_name, c) => {
    const actual = {} as Record<Who, number>;
    for (const who of everyone) {
      const res = await send(callers[who], c);
      actual[who] = res.status;
      const text = await res.text();
      // A refusal says why, with the stable code scripts can rely on.
      if (res.status === 401) expect(JSON.parse(text), `${who} ${c.route}`).toMatchObject({ error: { code: 'auth.required' } });
      if (res.status === 403) expect(JSON.parse(text), `${who} ${c.route}`).toMatchObject({ error: { code: 'auth.forbidden' } });
    }
    expect(actual).toEqual(c.expected);
  });

  it('every route in the OpenAPI document has an access test, and every tested route is documented', async () => {
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    const document = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/^\/api\/v1/, '').replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(documented.length).toBeGreaterThan(0);
    const tested = cases.filter((c) => !c.undocumented).map((c) => c.route);
    expect([...documented].sort()).toEqual([...tested].sort());
  });

  it('the roles the OpenAPI document names are exactly the roles the server lets in', async () => {
    const document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { 'x-roles': UserRole[] | 'public' }>>;
    };
    for (const c of cases.filter((c) => !c.undocumented)) {
      const [method, path] = c.route.split(' ') as [string, string];
      const operation = document.paths[`/api/v1${path.replace(/:(\w+)/g, '{$1}')}`]?.[method.toLowerCase()];
      const admitted = everyone.filter((who) => c.expected[who] !== 401 && c.expected[who] !== 403);
      expect(operation?.['x-roles'], c.route).toEqual(admitted.includes('anonymous') ? 'public' : expect.arrayContaining(admitted));
      if (operation?.['x-roles'] !== 'public') expect(operation?.['x-roles'], c.route).toHaveLength(admitted.length);
    }
  });
});

describe('trainers see only their own work', () => {
  let project: string;
  let trainerA: TestUser;
  let trainerB: TestUser;
  let trainerC: TestUser;
  let comparisonId: string;
  let rankingA: string[][];
  let rankingC: string[][];

  beforeAll(async () => {
    // Overlap 2: trainers A and C are given the one comparison, trainer B never is.
    project = server.project({ overlap: 2 });
    expect((await server.importLines(project, [conversation('private', 3)])).status).toBe(200);
    trainerA = await server.user('trainer');
    trainerB = await server.user('trainer');
    trainerC = await server.user('trainer');
    const forA = await nextComparison(trainerA, project);
    const forC = await nextComparison(trainerC, project);
    expect(forC.id).toBe(forA.id);
    comparisonId = forA.id;
    rankingA = forA.candidates.map((id) => [id]);
    rankingC = [...forC.candidates].reverse().map((id) => [id]);
    if (JSON.stringify(rankingC) === JSON.stringify(rankingA)) rankingC = [...rankingA].reverse();
    expect((await trainerA.api('PUT', `/comparisons/${comparisonId}/ranking`, { ranking: rankingA, note: 'A thinks so' })).status).toBe(200);
    expect((await trainerC.api('PUT', `/comparisons/${comparisonId}/ranking`, { ranking: rankingC, note: 'C disagrees' })).status).toBe(200);
    expect((await trainerB.api('GET', `/projects/${project}/next?kind=comparison`)).status).toBe(204);
  });

  it('a trainer gets 404 for a comparison they were never given', async () => {
    const res = await trainerB.api('GET', `/comparisons/${comparisonId}`);
    expect(res.status).toBe(404);
    const text = await res.text();
    expect(text).not.toContain('A thinks so');
    expect(text).not.toContain('Answer 1 to private');
  });

  it('a trainer can neither rank nor skip a comparison they were never given', async () => {
    const put = await trainerB.api('PUT', `/comparisons/${comparisonId}/ranking`, { ranking: rankingA });
    expect(put.status).toBe(404);
    expect((await trainerB.api('POST', `/comparisons/${comparisonId}/skip`, { reason: 'curious' })).status).toBe(404);
  });

  it('a trainer’s view of their comparison holds their own ranking only, and no model names or provenance', async () => {
    const res = await trainerA.api('GET', `/comparisons/${comparisonId}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const view = JSON.parse(text) as {
      comparison: Record<string, unknown> & { candidates: Record<string, unknown>[] };
      ranking: { ranking: string[][]; note: string };
    };
    expect(Object.keys(view).sort()).toEqual(['comparison', 'ranking']);
    expect(view.ranking).toMatchObject({ ranking: rankingA, note: 'A thinks so' });
    expect(Object.keys(view.comparison).sort()).toEqual(['candidates', 'context', 'id', 'project']);
    for (const candidate of view.comparison.candidates) expect(Object.keys(candidate).sort()).toEqual(['content', 'id']);
    expect(text).not.toContain('C disagrees');
    expect(text).not.toContain(trainerC.username);
    expect(text).not.toMatch(/model-[01]/);
    expect(text).not.toMatch(/"(model|params|author|annotator|rankings|conversationId|finishReason)"/);
  });

  it('a researcher sees every ranking and the provenance of the same comparison', async () => {
    const researcher = await server.user('researcher');
    const res = await researcher.api('GET', `/comparisons/${comparisonId}`);
    expect(res.status).toBe(200);
    const { comparison } = (await res.json()) as { comparison: { candidates: { model: string }[]; rankings: { annotator: string; note: string }[] } };
    expect(comparison.candidates.map((c) => c.model).sort()).toEqual(['model-0', 'model-0', 'model-1']);
    expect(comparison.rankings.map((r) => [r.annotator, r.note]).sort()).toEqual(
      [
        [trainerA.username, 'A thinks so'],
        [trainerC.username, 'C disagrees'],
      ].sort(),
    );
  });

  it('a trainer cannot export or count the rankings of a project, in any format', async () => {
    for (const format of ['rankings', 'trl', 'openai-dpo', 'hh', 'sft']) {
      const exported = await trainerA.api('GET', `/projects/${project}/export?format=${format}`);
      expect(exported.status, format).toBe(403);
      expect(await exported.text()).not.toContain('A thinks so');
      expect((await trainerA.api('GET', `/projects/${project}/export/count?format=${format}`)).status, format).toBe(403);
    }
  });
});

describe('archived projects', () => {
  it('are hidden from trainers but not from researchers', async () => {
    const archived = server.project({ overlap: 1 });
    expect((await server.importLines(archived, [conversation('old', 2)])).status).toBe(200);
    const trainer = await server.user('trainer');
    const researcher = await server.user('researcher');
    const slugsFor = async (user: TestUser) =>
      ((await (await user.api('GET', '/projects')).json()) as { projects: { slug: string }[] }).projects.map((p) => p.slug);
    expect(await slugsFor(trainer)).toContain(archived);

    const patch = await researcher.api('PATCH', `/projects/${archived}`, { archived: true });
    expect(patch.status).toBe(200);
    expect(await patch.json()).toMatchObject({ project: { archived: true } });

    expect(await slugsFor(trainer)).not.toContain(archived);
    expect((await trainer.api('GET', `/projects/${archived}`)).status).toBe(404);
    expect((await trainer.api('GET', `/projects/${archived}/next?kind=comparison`)).status).toBe(404);

    expect(await slugsFor(researcher)).toContain(archived);
    const seen = await researcher.api('GET', `/projects/${archived}`);
    expect(seen.status).toBe(200);
    expect(await seen.json()).toMatchObject({ project: { slug: archived, archived: true } });
  });
});
